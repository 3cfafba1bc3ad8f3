#define _GNU_SOURCE
#include "CAtomicSwap.h"
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/fs.h>
#elif defined(__APPLE__)
#include <stdio.h>
#endif

int combos_exchange_paths(const char *first, const char *second) {
#if defined(__linux__) && defined(SYS_renameat2)
    // renameat2 with RENAME_EXCHANGE (Linux 3.15+); called through syscall so that older
    // C libraries without the wrapper work too.
    return (int)syscall(SYS_renameat2, AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#elif defined(__APPLE__)
    return renamex_np(first, second, RENAME_SWAP);
#else
    errno = ENOSYS;
    return -1;
#endif
}
