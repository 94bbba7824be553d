// Linux file calls that glibc declares only under _GNU_SOURCE, which Swift's Glibc module
// does not set. The prototype is glibc's (off64_t is a 64-bit long on Linux).
#include <stdint.h>
extern int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);
#define TARN_SYNC_FILE_RANGE_WRITE 2u
