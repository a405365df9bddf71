"""<slurm/slurm_errno.h>: return codes and the thread's Slurm errno.

The number -> name table (``restd_errno_table``) is generated at build time by
``build_libslurm.py`` from the slurm_errno.h being compiled against, so the names
always match the installed Slurm version and the numbers come from the compiler.
"""

INCLUDES = """
#include <errno.h>
#include <slurm/slurm_version.h>
#include <stddef.h>
#include <slurm/slurm_errno.h>
"""

TYPES = """
#define SLURM_SUCCESS ...
#define SLURM_ERROR ...

typedef struct {
    int number;
    const char *name;
} restd_errno_entry_t;
"""

FUNCTIONS = """
char *slurm_strerror(int errnum);
/* slurm_get_errno() (gone from 24.11's header) is errno in every version */
int restd_get_errno(void);
/* slurm_seterrno() is still declared by 24.11's header but no longer exported */
void restd_set_errno(int errnum);

/* generated table, see build_libslurm.py */
size_t restd_errno_table_size(void);
const restd_errno_entry_t *restd_errno_table(void);
"""

CUSTOMIZATIONS = """
static int restd_get_errno(void)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(24,11,0)
    return errno;
#else
    return slurm_get_errno();
#endif
}

static void restd_set_errno(int errnum)
{
    errno = errnum;
}

typedef struct {
    int number;
    const char *name;
} restd_errno_entry_t;
"""
