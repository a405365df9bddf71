"""slurm.h's hostlist functions (slurm_hostlist_*): Slurm's own compression of
host names into a ranged expression ("n[1-3,7]") and its expansion, as the
data_parser's HOSTLIST and HOSTLIST_STRING parsers call them.

``hostlist_t`` is a pointer type up to 23.02 and a struct used as
``hostlist_t *`` from 23.11 on, and ``slurm_hostlist_ranged_string_malloc()``
left the header in 23.11: the wrappers take the handle as ``void *`` and give
the ranged string xmalloc()ed (freed with ``slurm_xfree_ptr``), on every
release.
"""

INCLUDES = """
#include <stdlib.h>
#include <string.h>
"""

TYPES = """
"""

FUNCTIONS = """
/* hostlist_create(): NULL for an expression it cannot read; "" and NULL give an
 * empty hostlist */
void *restd_hostlist_create(const char *expression);
/* hostlist_push(): the number of hosts added, 0 for what it cannot read (never
 * libslurm's own: see CUSTOMIZATIONS) */
int restd_hostlist_push(void *hostlist, const char *hosts);
int restd_hostlist_count(void *hostlist);
/* hostlist_ranged_string_xmalloc(): free with slurm_xfree_ptr() */
char *restd_hostlist_ranged_string(void *hostlist);
/* hostlist_shift() up to ``limit`` times: the names, each ended by a NUL, in one
 * malloc()ed buffer (free with restd_free; NULL when out of memory), its length in
 * ``length``, their number in ``count``. Returns 1 when names are left over (more
 * than ``limit``). */
char *restd_hostlist_shift_names(void *hostlist, size_t limit, size_t *length,
                                 size_t *count, int *left_over);
void restd_free(void *pointer);
void restd_hostlist_destroy(void *hostlist);
"""

CUSTOMIZATIONS = """
typedef __typeof__(slurm_hostlist_create(NULL)) restd_hostlist_handle;

static void *restd_hostlist_create(const char *expression)
{
    return (void *) slurm_hostlist_create(expression);
}

/* internal, exported by libslurmfull 22.05 .. 26.05 (not in slurm.h) */
extern int slurm_hostlist_push_list(restd_hostlist_handle to, restd_hostlist_handle from);

/* hostlist_push() as Slurm 22.05 and 26.05 have it: 24.11's does not check what
 * hostlist_create() returns and crashes (NULL dereference) on an entry it cannot read,
 * so the entry is created here, checked, and its hosts pushed */
static int restd_hostlist_push(void *hostlist, const char *hosts)
{
    restd_hostlist_handle entry;
    int count;

    if (!hostlist || !hosts || !(entry = slurm_hostlist_create(hosts)))
        return 0;
    count = slurm_hostlist_count(entry);
    slurm_hostlist_push_list((restd_hostlist_handle) hostlist, entry);
    slurm_hostlist_destroy(entry);
    return count;
}

static int restd_hostlist_count(void *hostlist)
{
    return slurm_hostlist_count((restd_hostlist_handle) hostlist);
}

static char *restd_hostlist_ranged_string(void *hostlist)
{
    return slurm_hostlist_ranged_string_xmalloc((restd_hostlist_handle) hostlist);
}

static char *restd_hostlist_shift_names(void *hostlist, size_t limit, size_t *length,
                                        size_t *count, int *left_over)
{
    restd_hostlist_handle handle = (restd_hostlist_handle) hostlist;
    size_t used = 0, capacity = 4096;
    char *buffer = malloc(capacity), *host;

    *length = 0;
    *count = 0;
    *left_over = 0;
    if (!buffer)
        return NULL;
    while (*count < limit && (host = slurm_hostlist_shift(handle))) {
        size_t size = strlen(host) + 1;

        if (used + size > capacity) {
            char *larger;

            while (used + size > capacity)
                capacity *= 2;
            if (!(larger = realloc(buffer, capacity))) {
                free(host);
                free(buffer);
                return NULL;
            }
            buffer = larger;
        }
        memcpy(buffer + used, host, size);
        used += size;
        (*count)++;
        free(host); /* hostlist_shift() malloc()s, on every release */
    }
    if (*count == limit && (host = slurm_hostlist_shift(handle))) {
        *left_over = 1;
        free(host);
    }
    *length = used;
    return buffer;
}

static void restd_free(void *pointer)
{
    free(pointer);
}

static void restd_hostlist_destroy(void *hostlist)
{
    slurm_hostlist_destroy((restd_hostlist_handle) hostlist);
}
"""
