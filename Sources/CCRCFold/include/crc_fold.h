#ifndef TARN_CRC_FOLD_H
#define TARN_CRC_FOLD_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has carry-less multiplication (PCLMULQDQ), which tarn_crc_fold needs.
int tarn_crc_fold_available(void);

/// Whether this CPU and OS can fold with 512-bit registers (AVX-512F, VPCLMULQDQ, ZMM state
/// saved by the OS), which tarn_crc_fold's `wide` needs.
int tarn_crc_fold_wide_available(void);

/// Folds the bulk of `data` for a reflected CRC of width 32 or 64 bits with carry-less
/// multiplication.
///
/// `constants` are the fourteen words that move a 16-byte block by 128, 256, 384, 512, 1024,
/// 1536 and 2048 bits for the CRC's polynomial (lo, hi pairs in that order; see crc_fold.c).
/// `wide` (only where tarn_crc_fold_wide_available) folds 256 bytes per step with 512-bit
/// registers when `length` >= 256. `state` is the
/// running CRC register (before the final complement), zero-extended for a 32-bit CRC. The
/// function absorbs it into the first block, folds whole 16-byte blocks and writes a 16-byte
/// remainder block to `remainder`. The caller finishes with its byte-wise update: the register
/// is then the CRC of `remainder` from state 0, continued over the unconsumed tail.
/// Returns the number of bytes consumed: 0 when `length` < 64 (nothing written), else a
/// multiple of 16.
size_t tarn_crc_fold(const uint64_t constants[14], uint64_t state, const uint8_t *data, size_t length, int wide, uint8_t remainder[16]);

#endif
