#ifndef TARN_CRC64_FOLD_H
#define TARN_CRC64_FOLD_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has carry-less multiplication (PCLMULQDQ), which tarn_crc64nvme_fold needs.
int tarn_crc64nvme_fold_available(void);

/// Folds the bulk of `data` for the reflected CRC-64/NVME with carry-less multiplication.
///
/// `state` is the running CRC register (before the final complement). The function absorbs it
/// into the first block, folds whole 16-byte blocks and writes a 16-byte remainder block to
/// `remainder`. The caller finishes with its table-driven update: the register is then the
/// table CRC of `remainder` from state 0, continued over the unconsumed tail.
/// Returns the number of bytes consumed: 0 when `length` < 64 (nothing written), else a
/// multiple of 16.
size_t tarn_crc64nvme_fold(uint64_t state, const uint8_t *data, size_t length, uint8_t remainder[16]);

#endif
