#include "CDetachedRemoval.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>

extern char **environ;

pid_t combos_remove_detached(const char *const paths[], int count) {
    if (count <= 0) {
        errno = EINVAL;
        return -1;
    }
    char **argv = calloc((size_t)count + 4, sizeof(char *));
    if (argv == NULL) return -1;
    argv[0] = "rm";
    argv[1] = "-rf";
    argv[2] = "--";
    for (int i = 0; i < count; i++) argv[3 + i] = (char *)paths[i];

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int failed = posix_spawn_file_actions_init(&actions);
    if (failed == 0) failed = posix_spawnattr_init(&attributes);
    if (failed != 0) {
        free(argv);
        errno = failed;
        return -1;
    }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    // Its own process group, no signal blocked, and the default action for the signals a
    // caller may have set aside (Swift ignores SIGPIPE).
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t pid = -1;
    failed = posix_spawn(&pid, "/bin/rm", &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    free(argv);
    if (failed != 0) {
        errno = failed;
        return -1;
    }
    return pid;
}
