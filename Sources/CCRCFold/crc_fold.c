// Folding for reflected CRCs (CRC-32, CRC-32C, CRC-64/NVME) with PCLMULQDQ, after Gopal et
// al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel,
// 2009). The constants are ours, derived per polynomial (TarnCore's CRCFolding computes them):
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
// Nothing above depends on the polynomial's degree, only that x^k mod P fits in 64 bits, so a
// 32-bit CRC uses the same code: its constants are rev64 of residues of degree < 32 (their low
// 32 bits are zero) and its register enters the first four bytes.
#include "crc_fold.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int tarn_crc_fold_available(void) {
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

int tarn_crc_fold_wide_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!tarn_crc_fold_available()) return 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & bit_OSXSAVE) == 0) return 0;
    // The OS must save the AVX-512 state: XCR0 bits 1, 2 (SSE, AVX) and 5, 6, 7 (opmask, ZMM).
    unsigned int xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & bit_AVX512F) != 0 && (ecx & bit_VPCLMULQDQ) != 0;
}

__attribute__((target("avx512f,vpclmulqdq"))) static inline __m512i fold4(__m512i blocks, __m512i constants) {
    return _mm512_xor_si512(_mm512_clmulepi64_epi128(blocks, constants, 0x00), _mm512_clmulepi64_epi128(blocks, constants, 0x11));
}

// The same folding with 512-bit registers: four accumulators of four blocks each move 256
// bytes per step (every 16-byte lane by 2048 bits), are then moved onto the last register (by
// 1536, 1024 and 512 bits), and its four lanes onto its last lane (by 384, 256 and 128 bits),
// which continues in `tarn_crc_fold`. Needs `length` >= 256.
__attribute__((target("avx512f,vpclmulqdq,pclmul,sse2")))
static size_t fold_wide(const uint64_t constants[14], uint64_t state, const uint8_t *data, size_t length, __m128i *folded) {
    const __m512i k512 = _mm512_broadcast_i32x4(load((const uint8_t *)(constants + 6)));
    const __m512i k1024 = _mm512_broadcast_i32x4(load((const uint8_t *)(constants + 8)));
    const __m512i k1536 = _mm512_broadcast_i32x4(load((const uint8_t *)(constants + 10)));
    const __m512i k2048 = _mm512_broadcast_i32x4(load((const uint8_t *)(constants + 12)));
    __m512i x0 = _mm512_xor_si512(_mm512_loadu_si512(data), _mm512_zextsi128_si512(_mm_set_epi64x(0, (long long)state)));
    __m512i x1 = _mm512_loadu_si512(data + 64), x2 = _mm512_loadu_si512(data + 128), x3 = _mm512_loadu_si512(data + 192);
    size_t offset = 256;
    while (offset + 256 <= length) {
        x0 = _mm512_xor_si512(fold4(x0, k2048), _mm512_loadu_si512(data + offset));
        x1 = _mm512_xor_si512(fold4(x1, k2048), _mm512_loadu_si512(data + offset + 64));
        x2 = _mm512_xor_si512(fold4(x2, k2048), _mm512_loadu_si512(data + offset + 128));
        x3 = _mm512_xor_si512(fold4(x3, k2048), _mm512_loadu_si512(data + offset + 192));
        offset += 256;
    }
    __m512i x = _mm512_xor_si512(_mm512_xor_si512(fold4(x0, k1536), fold4(x1, k1024)), _mm512_xor_si512(fold4(x2, k512), x3));
    const __m128i k128 = load((const uint8_t *)(constants + 0));
    const __m128i k256 = load((const uint8_t *)(constants + 2));
    const __m128i k384 = load((const uint8_t *)(constants + 4));
    *folded = _mm_xor_si128(
        _mm_xor_si128(fold(_mm512_extracti32x4_epi32(x, 0), k384), fold(_mm512_extracti32x4_epi32(x, 1), k256)),
        _mm_xor_si128(fold(_mm512_extracti32x4_epi32(x, 2), k128), _mm512_extracti32x4_epi32(x, 3)));
    return offset;
}

__attribute__((target("pclmul,sse2")))
size_t tarn_crc_fold(const uint64_t constants[14], uint64_t state, const uint8_t *data, size_t length, int wide, uint8_t remainder[16]) {
    if (length < 64) return 0;
    const __m128i k128 = _mm_loadu_si128((const __m128i *)(constants + 0));
    __m128i x;
    size_t offset;
    if (wide && length >= 256) {
        offset = fold_wide(constants, state, data, length, &x);
    } else {
        const __m128i k256 = _mm_loadu_si128((const __m128i *)(constants + 2));
        const __m128i k384 = _mm_loadu_si128((const __m128i *)(constants + 4));
        const __m128i k512 = _mm_loadu_si128((const __m128i *)(constants + 6));
        // The register enters as the partner of the first eight (CRC-64) or four (CRC-32) bytes,
        // as in the byte-wise algorithm.
        __m128i x0 = _mm_xor_si128(load(data), _mm_set_epi64x(0, (long long)state));
        __m128i x1 = load(data + 16), x2 = load(data + 32), x3 = load(data + 48);
        offset = 64;
        while (offset + 64 <= length) {
            x0 = _mm_xor_si128(fold(x0, k512), load(data + offset));
            x1 = _mm_xor_si128(fold(x1, k512), load(data + offset + 16));
            x2 = _mm_xor_si128(fold(x2, k512), load(data + offset + 32));
            x3 = _mm_xor_si128(fold(x3, k512), load(data + offset + 48));
            offset += 64;
        }
        x = _mm_xor_si128(_mm_xor_si128(fold(x0, k384), fold(x1, k256)), _mm_xor_si128(fold(x2, k128), x3));
    }
    while (offset + 16 <= length) {
        x = _mm_xor_si128(fold(x, k128), load(data + offset));
        offset += 16;
    }
    _mm_storeu_si128((__m128i *)remainder, x);
    return offset;
}

#else

int tarn_crc_fold_available(void) { return 0; }

int tarn_crc_fold_wide_available(void) { return 0; }

size_t tarn_crc_fold(const uint64_t constants[14], uint64_t state, const uint8_t *data, size_t length, int wide, uint8_t remainder[16]) {
    (void)constants; (void)state; (void)wide; (void)data; (void)length; (void)remainder;
    return 0;
}

#endif
