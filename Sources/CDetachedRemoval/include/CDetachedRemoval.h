#ifndef C_DETACHED_REMOVAL_H
#define C_DETACHED_REMOVAL_H

#include <sys/types.h>

/// Starts `/bin/rm -rf -- paths...` in a process of its own, and returns without waiting for
/// it: its process id, or -1 with errno set when it could not start. The process reads and
/// writes /dev/null (so it holds no pipe the caller's reader waits on), runs in its own process
/// group (so Ctrl-C in the terminal, meant for the next command, does not stop it halfway) and
/// outlives the caller.
pid_t combos_remove_detached(const char *const paths[], int count);

#endif
