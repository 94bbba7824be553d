// Linux file calls that glibc declares only under _GNU_SOURCE, which Swift's Glibc module
// does not set. The prototype is glibc's (off64_t is a 64-bit long on Linux).
#include <stdint.h>
extern int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);
#define TARN_SYNC_FILE_RANGE_WRITE 2u

// Names the calling thread (at most 15 bytes are kept), so `top -H`, `perf` and tests can
// tell Tarn's own threads apart; a new thread otherwise keeps its creator's name.
#include <pthread.h>
extern int pthread_setname_np(pthread_t thread, const char *name);
