/* SPDX-License-Identifier: MIT */
/* Per-thread scheduler slice (see lt_slice.h). glibc 2.36 has no sched_setattr wrapper, so
 * this calls the system call with the kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1). */
#include "lt_slice.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime; /* SCHED_OTHER since Linux 6.12: the slice request, ns */
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
} sched_attr_t;

static int get_attr(sched_attr_t *a)
{
#ifdef SYS_sched_getattr
    memset(a, 0, sizeof(*a));
    if (syscall(SYS_sched_getattr, 0, a, (unsigned)sizeof(*a), 0) != 0)
        return -errno;
    return 0;
#else
    (void)a;
    return -ENOSYS;
#endif
}

int64_t lt_slice_current_us(void)
{
    sched_attr_t a;
    int rc = get_attr(&a);
    return rc != 0 ? rc : (int64_t)(a.sched_runtime / 1000);
}

int lt_slice_request(uint32_t slice_us)
{
#ifdef SYS_sched_setattr
    sched_attr_t a;
    int rc = get_attr(&a);
    if (rc != 0)
        return rc;
    /* Only the fair policies take a slice; a thread someone made real-time keeps its policy. */
    if (a.sched_policy != SCHED_OTHER && a.sched_policy != SCHED_BATCH)
        return -ENOTSUP;
    a.size = sizeof(a);
    a.sched_flags = 0;
    a.sched_runtime = (uint64_t)slice_us * 1000;
    if (syscall(SYS_sched_setattr, 0, &a, 0) != 0)
        return -errno;
    /* Kernels before 6.12 accept and ignore sched_runtime for fair threads, and report 0. */
    int64_t now = lt_slice_current_us();
    return now == (int64_t)slice_us ? 0 : now < 0 ? (int)now : -ENOTSUP;
#else
    (void)slice_us;
    return -ENOSYS;
#endif
}
