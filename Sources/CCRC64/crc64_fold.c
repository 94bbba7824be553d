// Folding for CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5) with PCLMULQDQ, after
// Gopal et al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction"
// (Intel, 2009). The constants below are ours, derived for this polynomial:
//
// A 16-byte block, read little-endian, is a polynomial of degree < 128 whose first bit is the
// highest power (the reflected convention). Moving a block D bits further into the message
// multiplies it by x^D. A carry-less product of two reflected 64-bit values is their product
// times x, so with lo/hi the block's halves:
//   block · x^D ≡ clmul(lo, rev(x^(D+63) mod P)) ⊕ clmul(hi, rev(x^(D-1) mod P))   (mod P)
// and the result, at most 127 bits, is again a reflected 16-byte block at the new position.
// Four accumulators each move 64 bytes per step; at the end they are moved onto the last one
// (by 48, 32 and 16 bytes) and single blocks follow. The table-driven code in TarnCore
// reduces the final block and the tail, so no Barrett reduction is needed here.
#include "crc64_fold.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

// (lo, hi) constants for moving a block by D bits: rev64(x^(D+63) mod P), rev64(x^(D-1) mod P).
#define K128_LO 0xeadc41fd2ba3d420ULL
#define K128_HI 0x21e9761e252621acULL
#define K256_LO 0xb0bc2e589204f500ULL
#define K256_HI 0xe1e0bb9d45d7a44cULL
#define K384_LO 0xbdd7ac0ee1a4a0f0ULL
#define K384_HI 0xa3ffdc1fe8e82a8bULL
#define K512_LO 0x0c32cdb31e18a84aULL
#define K512_HI 0x62242240ace5045aULL

int tarn_crc64nvme_fold_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_PCLMUL) != 0 && (edx & bit_SSE2) != 0;
}

__attribute__((target("pclmul,sse2"))) static inline __m128i fold(__m128i block, __m128i constants) {
    return _mm_xor_si128(_mm_clmulepi64_si128(block, constants, 0x00), _mm_clmulepi64_si128(block, constants, 0x11));
}

__attribute__((target("pclmul,sse2"))) static inline __m128i load(const uint8_t *p) {
    return _mm_loadu_si128((const __m128i *)p);
}

__attribute__((target("pclmul,sse2")))
size_t tarn_crc64nvme_fold(uint64_t state, const uint8_t *data, size_t length, uint8_t remainder[16]) {
    if (length < 64) return 0;
    const __m128i k512 = _mm_set_epi64x((long long)K512_HI, (long long)K512_LO);
    const __m128i k384 = _mm_set_epi64x((long long)K384_HI, (long long)K384_LO);
    const __m128i k256 = _mm_set_epi64x((long long)K256_HI, (long long)K256_LO);
    const __m128i k128 = _mm_set_epi64x((long long)K128_HI, (long long)K128_LO);
    // The register enters as the first eight bytes' partner, as in the byte-wise algorithm.
    __m128i x0 = _mm_xor_si128(load(data), _mm_set_epi64x(0, (long long)state));
    __m128i x1 = load(data + 16), x2 = load(data + 32), x3 = load(data + 48);
    size_t offset = 64;
    while (offset + 64 <= length) {
        x0 = _mm_xor_si128(fold(x0, k512), load(data + offset));
        x1 = _mm_xor_si128(fold(x1, k512), load(data + offset + 16));
        x2 = _mm_xor_si128(fold(x2, k512), load(data + offset + 32));
        x3 = _mm_xor_si128(fold(x3, k512), load(data + offset + 48));
        offset += 64;
    }
    __m128i x = _mm_xor_si128(_mm_xor_si128(fold(x0, k384), fold(x1, k256)), _mm_xor_si128(fold(x2, k128), x3));
    while (offset + 16 <= length) {
        x = _mm_xor_si128(fold(x, k128), load(data + offset));
        offset += 16;
    }
    _mm_storeu_si128((__m128i *)remainder, x);
    return offset;
}

#else

int tarn_crc64nvme_fold_available(void) { return 0; }

size_t tarn_crc64nvme_fold(uint64_t state, const uint8_t *data, size_t length, uint8_t remainder[16]) {
    (void)state; (void)data; (void)length; (void)remainder;
    return 0;
}

#endif
