#ifndef C_ATOMIC_SWAP_H
#define C_ATOMIC_SWAP_H

/// Atomically exchanges two paths on the same file system, so that readers see either the old
/// or the new one and never neither. Returns 0 on success, or -1 with errno set (ENOSYS or
/// EINVAL where the file system cannot exchange).
int combos_exchange_paths(const char *first, const char *second);

#endif
