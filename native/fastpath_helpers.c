/*
 * Hand-written support for the generated JSON fast path (native/generate_fastpath.py).
 *
 * The generator appends this file, verbatim, to the one cffi set_source (after the
 * slurm headers, before the generated per-object code): everything here is static,
 * so the compiler inlines the small writers into the generated functions.
 *
 *   restd_fp_w            growable output buffer + the JSON layout state
 *                         (pretty: orjson OPT_INDENT_2, 2 spaces, ": "; or compact)
 *   restd_fp_str()        a C string as a JSON string, exactly as orjson writes the
 *                         str Python decodes from it (bytes.decode("utf-8", "replace"))
 *   restd_fp_double()     a double as orjson writes it
 *   restd_fp_user/group() uid/gid -> name, cached for one dump call
 *   call-outs for the kinds whose rule is code, not data: job stdio paths
 *   (slurm_get_job_std*()), gres_detail, JOB_RES_NODES (the internal
 *   job_resources_t, read as restd_job_resources_t: its layout per Slurm release is
 *   declared in native/_cffi_src/slurm.py), NODE_SELECT_*
 *   (slurm_get_select_nodeinfo() before 23.11, node_info_t members after).
 *
 * No Python objects are touched: the generated entry points run without the GIL.
 */
#include <errno.h>
#include <grp.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* --- libslurm symbols the public headers do not declare ---------------------------- */

/*
 * Shared with the Python Services (restd.native.services), defined in
 * native/_cffi_src/slurm.py CUSTOMIZATIONS (same translation unit, earlier):
 *   restd_job_reason_string(uint32_t)   job_[state_]reason_string()
 *   restd_node_alloc(node, ...)         slurm_get_select_nodeinfo() / node members
 *   RESTD_NODE_ALLOC_TRES_OWNED         whether the TRES string must be xfree'd
 *   restd_job_resources_t               struct job_resources, per release
 *   slurm_bit_test(), slurm_bit_size()  bitstring.h (internal, exported)
 * Using the very same functions keeps both paths identical by construction.
 */
extern void slurm_xfree_ptr(void *ptr);
/* hostlist_t is a pointer type before 23.11, a struct (used as hostlist_t *) after */
typedef __typeof__(slurm_hostlist_create(NULL)) restd_fp_hostlist_t;

/* proc_exit_code_verbose_t (Slurm 23.02+ internal): what DUMP(PROCESS_EXIT_CODE) fills */
typedef struct {
    uint32_t status;
    uint32_t return_code;
    uint16_t signal;
} restd_fp_exit_code_t;

/*
 * The records data_parser v0.0.41's JOB_RES_NODES and v0.0.42's PRIORITY_BY_PARTITION
 * build (parsers.c JOB_RES_NODE_t, JOB_RES_SOCKET_t, JOB_RES_CORE_t, PART_PRIO_t), as
 * generate_fastpath.PRIVATE_STRUCTS names them: an array member m has m_count records.
 */
typedef struct {
    uint32_t index;
    uint64_t status;           /* JOB_RES_CORE_status_t */
} restd_fp_job_res_core_t;

typedef struct {
    uint32_t index;
    const restd_fp_job_res_core_t *cores;
    uint32_t cores_count;
} restd_fp_job_res_socket_t;

typedef struct {
    uint32_t index;
    const char *name;
    struct { uint16_t count, used; } cpus;
    struct { uint64_t used, allocated; } memory;
    const restd_fp_job_res_socket_t *sockets;
    uint32_t sockets_count;
} restd_fp_job_res_node_t;

typedef struct {
    const char *part;
    uint32_t prio;
} restd_fp_part_prio_t;

/* --- the writer ------------------------------------------------------------------- */

#define RESTD_FP_MAX_DEPTH 64
#define RESTD_FP_NAME_CACHE 256

typedef struct {
    uint32_t id;
    char *name;            /* NULL: no such user/group */
} restd_fp_name_t;

typedef struct {
    char *data;
    size_t len, cap;
    int pretty;
    int depth;
    int failed;            /* allocation failure: the result is discarded */
    unsigned char first[RESTD_FP_MAX_DEPTH + 2];
    restd_fp_name_t users[RESTD_FP_NAME_CACHE];
    restd_fp_name_t groups[RESTD_FP_NAME_CACHE];
    int n_users, n_groups;
    int select_type_param;
    /* NODE_SELECT_* of the node being dumped */
    const node_info_t *alloc_node;
    uint16_t alloc_cpus;
    uint64_t alloc_memory;
    double alloc_weighted;
    char *alloc_tres;
} restd_fp_w;

/*
 * Buffers of several MiB are 2 MiB-aligned and advised MADV_HUGEPAGE: a 70 MiB
 * answer then costs some 35 page faults instead of 18,000 (the faults, not the
 * formatting, were most of the time). free() releases either kind.
 */
#define RESTD_FP_HUGE ((size_t) 2 << 20)

static int restd_fp_grow(restd_fp_w *w, size_t more)
{
    size_t want, cap;
    char *data;

    if (w->failed)
        return 0;
    want = w->len + more;
    if (want <= w->cap)
        return 1;
    cap = w->cap ? w->cap : 65536;
    while (cap < want)
        cap *= 2;
    if (cap >= 2 * RESTD_FP_HUGE) {
        cap = (cap + RESTD_FP_HUGE - 1) & ~(RESTD_FP_HUGE - 1);
        data = aligned_alloc(RESTD_FP_HUGE, cap);
        if (data) {
#ifdef MADV_HUGEPAGE
            madvise(data, cap, MADV_HUGEPAGE);
#endif
            if (w->len)
                memcpy(data, w->data, w->len);
            free(w->data);
        }
    } else {
        data = realloc(w->data, cap);
    }
    if (!data) {
        w->failed = 1;
        return 0;
    }
    w->data = data;
    w->cap = cap;
    return 1;
}

static inline __attribute__((always_inline)) void restd_fp_put(restd_fp_w *w, const char *s, size_t n)
{
    if (w->len + n > w->cap && !restd_fp_grow(w, n))
        return;
    memcpy(w->data + w->len, s, n);
    w->len += n;
}

static inline __attribute__((always_inline)) void restd_fp_putc(restd_fp_w *w, char c)
{
    if (w->len + 1 > w->cap && !restd_fp_grow(w, 1))
        return;
    w->data[w->len++] = c;
}

#define RESTD_FP_LIT(w, s) restd_fp_put((w), (s), sizeof(s) - 1)

/* "\n" and 2 * RESTD_FP_MAX_DEPTH spaces: a line break at any depth is one copy */
static const char restd_fp_indent[] =
    "\n                                                                "
    "                                                                ";

static inline __attribute__((always_inline)) void restd_fp_newline(restd_fp_w *w, int depth)
{
    size_t n = 1 + 2 * (size_t) depth;
    if (w->len + n > w->cap && !restd_fp_grow(w, n))
        return;
    memcpy(w->data + w->len, restd_fp_indent, n);
    w->len += n;
}

/* Before a member or an item: the separator and, pretty, the line break. */
static inline __attribute__((always_inline)) void restd_fp_sep(restd_fp_w *w)
{
    if (!w->first[w->depth])
        restd_fp_putc(w, ',');
    w->first[w->depth] = 0;
    if (w->pretty)
        restd_fp_newline(w, w->depth);
}

/* key: the JSON-escaped, quoted key followed by ':' (as generated) */
static inline __attribute__((always_inline)) void restd_fp_key(restd_fp_w *w, const char *key, size_t n)
{
    restd_fp_sep(w);
    restd_fp_put(w, key, n);
    if (w->pretty)
        restd_fp_putc(w, ' ');
}

#define RESTD_FP_KEY(w, s) restd_fp_key((w), (s), sizeof(s) - 1)

/* One level deeper, its first member or item next (written by restd_fp_open(), or
 * the items of an array whose brackets its caller writes) */
static inline void restd_fp_enter(restd_fp_w *w)
{
    if (w->depth < RESTD_FP_MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = 1;
}

static inline void restd_fp_open(restd_fp_w *w, char c)
{
    restd_fp_putc(w, c);
    restd_fp_enter(w);
}

static inline void restd_fp_close(restd_fp_w *w, char c)
{
    int empty = w->first[w->depth];
    w->depth--;
    if (!empty && w->pretty)
        restd_fp_newline(w, w->depth);
    restd_fp_putc(w, c);
}

#define restd_fp_obj_begin(w) restd_fp_open((w), '{')
#define restd_fp_obj_end(w) restd_fp_close((w), '}')
#define restd_fp_arr_begin(w) restd_fp_open((w), '[')
#define restd_fp_arr_end(w) restd_fp_close((w), ']')
#define restd_fp_item(w) restd_fp_sep(w)

/* --- scalars ----------------------------------------------------------------------- */

static inline void restd_fp_u64(restd_fp_w *w, uint64_t v)
{
    char tmp[24];
    int n = 0;
    char out[24];

    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    restd_fp_put(w, out, (size_t) n);
}

static inline void restd_fp_i64(restd_fp_w *w, int64_t v)
{
    if (v < 0) {
        restd_fp_putc(w, '-');
        restd_fp_u64(w, (uint64_t) 0 - (uint64_t) v);
    } else {
        restd_fp_u64(w, (uint64_t) v);
    }
}

static inline void restd_fp_bool(restd_fp_w *w, int v)
{
    if (v)
        RESTD_FP_LIT(w, "true");
    else
        RESTD_FP_LIT(w, "false");
}

static inline void restd_fp_null(restd_fp_w *w)
{
    RESTD_FP_LIT(w, "null");
}

/*
 * orjson's float format: the shortest digits that read back as the same double;
 * positional notation when the decimal exponent is in [-5, 16), with ".0" for
 * whole numbers; otherwise "d[.ddd]e+X" / "d[.ddd]e-X". NaN and infinities: null.
 */
static void restd_fp_double(restd_fp_w *w, double v)
{
    char sci[40], digits[24], out[400];
    int prec, exp10, nd = 0, n = 0;
    char *p, *e;

    if (isnan(v) || isinf(v)) {
        restd_fp_null(w);
        return;
    }
    for (prec = 0; prec < 17; prec++) {
        snprintf(sci, sizeof(sci), "%.*e", prec, v);
        if (strtod(sci, NULL) == v)
            break;
    }
    p = sci;
    if (*p == '-') {
        out[n++] = '-';
        p++;
    }
    e = strchr(p, 'e');
    for (char *q = p; q < e; q++)
        if (*q != '.')
            digits[nd++] = *q;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    exp10 = atoi(e + 1);
    if (digits[0] == '0')       /* zero */
        exp10 = 0;
    if (exp10 >= -5 && exp10 < 16) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++)
                out[n++] = i < nd ? digits[i] : '0';
            out[n++] = '.';
            if (nd > exp10 + 1)
                for (int i = exp10 + 1; i < nd; i++)
                    out[n++] = digits[i];
            else
                out[n++] = '0';
        } else {
            out[n++] = '0';
            out[n++] = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                out[n++] = '0';
            for (int i = 0; i < nd; i++)
                out[n++] = digits[i];
        }
    } else {
        out[n++] = digits[0];
        if (nd > 1) {
            out[n++] = '.';
            for (int i = 1; i < nd; i++)
                out[n++] = digits[i];
        }
        n += snprintf(out + n, sizeof(out) - (size_t) n, "e%c%d", exp10 < 0 ? '-' : '+',
                      exp10 < 0 ? -exp10 : exp10);
    }
    restd_fp_put(w, out, (size_t) n);
}

/*
 * A C string as orjson writes the Python str decoded from it with
 * errors="replace": each ill-formed sequence (CPython's maximal-subpart rule)
 * becomes U+FFFD; '"' and '\\' escaped; control characters as \b \t \n \f \r or
 * \u00XX (lowercase hex); everything else, DEL and non-ASCII included, as is.
 */
static const char restd_fp_hex[] = "0123456789abcdef";

static void restd_fp_str_n(restd_fp_w *w, const unsigned char *s, size_t len)
{
    size_t i = 0, run = 0;

    if (!restd_fp_grow(w, len + 2))
        return;
    restd_fp_putc(w, '"');
    while (i < len) {
        unsigned char c = s[i];
        size_t need = 0;
        int ok = 1;

        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            run++;
            continue;
        }
        if (run) {
            restd_fp_put(w, (const char *) s + i - run, run);
            run = 0;
        }
        if (c < 0x80) {
            switch (c) {
            case '"': RESTD_FP_LIT(w, "\\\""); break;
            case '\\': RESTD_FP_LIT(w, "\\\\"); break;
            case '\b': RESTD_FP_LIT(w, "\\b"); break;
            case '\t': RESTD_FP_LIT(w, "\\t"); break;
            case '\n': RESTD_FP_LIT(w, "\\n"); break;
            case '\f': RESTD_FP_LIT(w, "\\f"); break;
            case '\r': RESTD_FP_LIT(w, "\\r"); break;
            default: {
                char esc[6] = {'\\', 'u', '0', '0', restd_fp_hex[c >> 4], restd_fp_hex[c & 15]};
                restd_fp_put(w, esc, 6);
            }
            }
            i++;
            continue;
        }
        /* multi-byte: validate as CPython's UTF-8 decoder does */
        {
            unsigned char lo = 0x80, hi = 0xBF;
            size_t k;

            if (c >= 0xC2 && c <= 0xDF)
                need = 1;
            else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) lo = 0xA0;
                if (c == 0xED) hi = 0x9F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) lo = 0x90;
                if (c == 0xF4) hi = 0x8F;
            } else {
                ok = 0;
            }
            k = 1;
            if (ok) {
                for (; k <= need; k++) {
                    unsigned char d = i + k < len ? s[i + k] : 0;
                    unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
                    if (d < l || d > h) {
                        ok = 0;
                        break;
                    }
                }
            }
            if (ok) {
                restd_fp_put(w, (const char *) s + i, need + 1);
                i += need + 1;
            } else {
                RESTD_FP_LIT(w, "\xEF\xBF\xBD");
                i += k;     /* the maximal valid prefix (at least the lead byte) */
            }
        }
    }
    if (run)
        restd_fp_put(w, (const char *) s + i - run, run);
    restd_fp_putc(w, '"');
}

/* char * member: NULL is "" (text(None)) */
static inline void restd_fp_str(restd_fp_w *w, const char *s)
{
    if (!s) {
        RESTD_FP_LIT(w, "\"\"");
        return;
    }
    restd_fp_str_n(w, (const unsigned char *) s, strlen(s));
}

/* {"set", "infinite", "number"} of the NoVal kinds */
static void restd_fp_noval_u64(restd_fp_w *w, uint64_t v, uint64_t no_val, uint64_t infinite)
{
    if (v == no_val) {
        restd_fp_obj_begin(w);
        RESTD_FP_KEY(w, "\"set\":"); restd_fp_bool(w, 0);
        RESTD_FP_KEY(w, "\"infinite\":"); restd_fp_bool(w, 0);
        RESTD_FP_KEY(w, "\"number\":"); RESTD_FP_LIT(w, "0");
        restd_fp_obj_end(w);
    } else if (v == infinite) {
        restd_fp_obj_begin(w);
        RESTD_FP_KEY(w, "\"set\":"); restd_fp_bool(w, 0);
        RESTD_FP_KEY(w, "\"infinite\":"); restd_fp_bool(w, 1);
        RESTD_FP_KEY(w, "\"number\":"); RESTD_FP_LIT(w, "0");
        restd_fp_obj_end(w);
    } else {
        restd_fp_obj_begin(w);
        RESTD_FP_KEY(w, "\"set\":"); restd_fp_bool(w, 1);
        RESTD_FP_KEY(w, "\"infinite\":"); restd_fp_bool(w, 0);
        RESTD_FP_KEY(w, "\"number\":"); restd_fp_u64(w, v);
        restd_fp_obj_end(w);
    }
}

/* a signed source (time_t...): a negative value is never a sentinel */
static void restd_fp_noval_i64(restd_fp_w *w, int64_t v, uint64_t no_val, uint64_t infinite)
{
    if (v >= 0) {
        restd_fp_noval_u64(w, (uint64_t) v, no_val, infinite);
        return;
    }
    restd_fp_obj_begin(w);
    RESTD_FP_KEY(w, "\"set\":"); restd_fp_bool(w, 1);
    RESTD_FP_KEY(w, "\"infinite\":"); restd_fp_bool(w, 0);
    RESTD_FP_KEY(w, "\"number\":"); restd_fp_i64(w, v);
    restd_fp_obj_end(w);
}

/* NoVal(floating): Slurm compares (uint32_t) value with INFINITE and NO_VAL */
static void restd_fp_noval_double(restd_fp_w *w, double v)
{
    int set = 1, infinite = 0;

    if (isnan(v)) {
        set = 0;
    } else if (isinf(v)) {
        set = 0;
        infinite = 1;
    } else if (v >= 0) {
        double whole = trunc(v);
        if (whole == 4294967295.0) {
            set = 0;
            infinite = 1;
        } else if (whole == 4294967294.0) {
            set = 0;
        }
    }
    restd_fp_obj_begin(w);
    RESTD_FP_KEY(w, "\"set\":"); restd_fp_bool(w, set);
    RESTD_FP_KEY(w, "\"infinite\":"); restd_fp_bool(w, infinite);
    RESTD_FP_KEY(w, "\"number\":");
    if (set)
        restd_fp_double(w, v);
    else
        RESTD_FP_LIT(w, "0.0");
    restd_fp_obj_end(w);
}

/* a flag name (generated literal, already escaped and quoted) as an array item */
static inline void restd_fp_flag(restd_fp_w *w, const char *quoted, size_t n)
{
    restd_fp_item(w);
    restd_fp_put(w, quoted, n);
}

#define RESTD_FP_FLAG(w, s) restd_fp_flag((w), (s), sizeof(s) - 1)

/* CSV_STRING: "a,b,,c" -> ["a", "b", "c"] (empty parts dropped) */
static void restd_fp_split(restd_fp_w *w, const char *s, char sep)
{
    restd_fp_arr_begin(w);
    if (s) {
        const char *p = s;
        while (*p) {
            const char *end = strchr(p, sep);
            size_t n = end ? (size_t) (end - p) : strlen(p);
            if (n) {
                restd_fp_item(w);
                restd_fp_str_n(w, (const unsigned char *) p, n);
            }
            if (!end)
                break;
            p = end + 1;
        }
    }
    restd_fp_arr_end(w);
}

/* --- users and groups, cached for one call -------------------------------------------- */

static const char *restd_fp_lookup(restd_fp_name_t *cache, int *count, uint32_t id, int group)
{
    char buf[16384];
    char *name = NULL;

    for (int i = 0; i < *count; i++)
        if (cache[i].id == id)
            return cache[i].name;
    if (group) {
        struct group gr, *found = NULL;
        if (getgrgid_r((gid_t) id, &gr, buf, sizeof(buf), &found) == 0 && found)
            name = strdup(found->gr_name);
    } else {
        struct passwd pw, *found = NULL;
        if (getpwuid_r((uid_t) id, &pw, buf, sizeof(buf), &found) == 0 && found)
            name = strdup(found->pw_name);
    }
    if (*count < RESTD_FP_NAME_CACHE) {
        cache[*count].id = id;
        cache[*count].name = name;
        (*count)++;
        return name;
    }
    /* cache full: answer without keeping (rare: > 256 distinct ids in one list) */
    {
        static __thread char spill[256];
        if (!name)
            return NULL;
        snprintf(spill, sizeof(spill), "%s", name);
        free(name);
        return spill;
    }
}

static void restd_fp_user(restd_fp_w *w, uint32_t uid)
{
    const char *name = restd_fp_lookup(w->users, &w->n_users, uid, 0);
    restd_fp_str(w, name ? name : "");
}

static void restd_fp_group(restd_fp_w *w, uint32_t gid)
{
    const char *name = restd_fp_lookup(w->groups, &w->n_groups, gid, 1);
    restd_fp_str(w, name ? name : "");
}

/* --- writer life cycle ------------------------------------------------------------------ */

/* expected: a size hint (bytes); the buffer is reserved once (untouched pages cost nothing) */
static void restd_fp_init(restd_fp_w *w, int pretty, int indent_level, size_t expected)
{
    memset(w, 0, sizeof(*w));
    if (expected)
        restd_fp_grow(w, expected);
    w->pretty = pretty;
    if (indent_level < 0)
        indent_level = 0;
    if (indent_level > RESTD_FP_MAX_DEPTH - 8)
        indent_level = RESTD_FP_MAX_DEPTH - 8;
    w->depth = indent_level;
    w->select_type_param = (int) slurm_conf.select_type_param;
}

static char *restd_fp_finish(restd_fp_w *w, size_t *len)
{
    for (int i = 0; i < w->n_users; i++)
        free(w->users[i].name);
    for (int i = 0; i < w->n_groups; i++)
        free(w->groups[i].name);
    free(w->alloc_tres);
    w->alloc_tres = NULL;
    if (w->failed) {
        free(w->data);
        *len = 0;
        return NULL;
    }
    if (!w->data)               /* nothing written (the items of an empty range) */
        w->data = malloc(1);
    *len = w->len;
    return w->data;
}

/* --- call-outs for kinds whose rule is code ------------------------------------------- */

/* JOB_INFO_STDIN/STDOUT/STDERR: libslurm's slurm_get_job_std*() */
static void restd_fp_job_stdio(restd_fp_w *w, const slurm_job_info_t *job, int stream)
{
    char path[4096];
    path[0] = '\0';
    if (stream == 0)
        slurm_get_job_stdin(path, sizeof(path), (slurm_job_info_t *) job);
    else if (stream == 1)
        slurm_get_job_stdout(path, sizeof(path), (slurm_job_info_t *) job);
    else
        slurm_get_job_stderr(path, sizeof(path), (slurm_job_info_t *) job);
    restd_fp_str(w, path);
}

/* v0.0.43's JOB_INFO_STD*_EXP (rules.job_stdio_expanded): the path the job gave,
 * expanded; "" when it gave none, except stdout (slurm_get_job_stdout()'s default) */
static void restd_fp_job_stdio_expanded(restd_fp_w *w, const slurm_job_info_t *job,
                                        int stream)
{
    const char *given = stream == 0 ? job->std_in : stream == 1 ? job->std_out
                                                                : job->std_err;
    if (stream != 1 && (!given || !*given)) {
        RESTD_FP_LIT(w, "\"\"");
        return;
    }
    restd_fp_job_stdio(w, job, stream);
}

/* print_sluid(): "s" and 13 characters of Crockford's base32; "" for 0 */
static void restd_fp_sluid(restd_fp_w *w, uint64_t sluid)
{
    static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char text[15];
    if (!sluid) {
        RESTD_FP_LIT(w, "\"\"");
        return;
    }
    text[0] = 's';
    for (int i = 0; i < 13; i++)
        text[13 - i] = digits[(sluid >> (5 * i)) & 0x1f];
    text[14] = '\0';
    restd_fp_str(w, text);
}

/* v0.0.44's JOB_INFO step_id (rules.dump_job_step_id): the job's SLUID where
 * slurm_job_info_t has a step_id with one, its job id, no het component, "entire" */
static void restd_fp_job_step_id(restd_fp_w *w, const slurm_job_info_t *job)
{
    uint64_t sluid = restd_job_info_sluid(job);
    restd_fp_obj_begin(w);
    RESTD_FP_KEY(w, "\"sluid\":"); restd_fp_sluid(w, sluid);
    RESTD_FP_KEY(w, "\"job_id\":"); restd_fp_noval_u64(w, job->job_id, NO_VAL, INFINITE);
    RESTD_FP_KEY(w, "\"step_het_component\":"); restd_fp_noval_u64(w, NO_VAL, NO_VAL, INFINITE);
    RESTD_FP_KEY(w, "\"step_id\":"); RESTD_FP_LIT(w, "\"entire\"");
    restd_fp_obj_end(w);
}

/* JOB_INFO_GRES_DETAIL: gres_detail_str[0 .. gres_detail_cnt) */
static void restd_fp_gres_detail(restd_fp_w *w, const slurm_job_info_t *job)
{
    restd_fp_arr_begin(w);
    if (job->gres_detail_str) {
        for (uint32_t i = 0; i < job->gres_detail_cnt; i++) {
            restd_fp_item(w);
            restd_fp_str(w, job->gres_detail_str[i]);
        }
    }
    restd_fp_arr_end(w);
}

/* JOB_REASON (NULL: "InvalidReason", as the Python Services says) */
static void restd_fp_job_reason(restd_fp_w *w, uint32_t reason)
{
    const char *text = restd_job_reason_string(reason);
    restd_fp_str(w, text ? text : "InvalidReason");
}

/* SIGNAL names: see the generated restd_fp_signal_name() */

/*
 * The walk of job_resources_t that JOB_RES_NODES of every version makes: a JSON array
 * of its nodes in order, each with its host name and its sockets and cores per socket
 * (sockets_per_node/cores_per_socket as sock_core_rep_count repeats them), its cores'
 * bits following each other in core_bitmap and core_bitmap_used; each node written,
 * as an item of the array, by a restd_fp_job_res_node_writer.
 */
typedef struct {
    const restd_job_resources_t *res;
    uint32_t node;              /* the node's index */
    const char *host;           /* "" without a node list */
    uint32_t nsockets, cps;     /* its sockets, and cores per socket */
    bitoff_t bit;               /* the bit of its first core */
    bitoff_t alloc_size, used_size;
} restd_fp_job_res_at_t;

/* the node's core ``index`` is allocated to the job (in core_bitmap) */
static inline int restd_fp_job_res_allocated(const restd_fp_job_res_at_t *at, uint32_t index)
{
    bitoff_t bit = at->bit + index;
    return bit < at->alloc_size && slurm_bit_test(at->res->core_bitmap, bit);
}

/* the node's core ``index`` is in use (in core_bitmap_used) */
static inline int restd_fp_job_res_used(const restd_fp_job_res_at_t *at, uint32_t index)
{
    bitoff_t bit = at->bit + index;
    return at->res->core_bitmap_used && bit < at->used_size &&
           slurm_bit_test(at->res->core_bitmap_used, bit);
}

/* writes the node ``at``: 0, or -1 to end the walk (out of memory) */
typedef int (*restd_fp_job_res_node_writer)(restd_fp_w *w, const restd_fp_job_res_at_t *at,
                                            const void *arg);

static void restd_fp_job_res_walk(restd_fp_w *w, const restd_job_resources_t *res,
                                  restd_fp_job_res_node_writer write, const void *arg)
{
    restd_fp_hostlist_t hl = NULL;
    restd_fp_job_res_at_t at = { .res = res };
    uint32_t sock_inx = 0, sock_reps = 0;

    restd_fp_arr_begin(w);
    if (res->cores_per_socket && res->nhosts) {
        if (res->nodes && res->nodes[0])
            hl = slurm_hostlist_create(res->nodes);
        if (res->core_bitmap)
            at.alloc_size = slurm_bit_size(res->core_bitmap);
        if (res->core_bitmap_used)
            at.used_size = slurm_bit_size(res->core_bitmap_used);
        for (at.node = 0; at.node < res->nhosts; at.node++) {
            char *host = hl ? slurm_hostlist_shift(hl) : NULL;
            int stop;

            if (sock_reps >= res->sock_core_rep_count[sock_inx]) {
                sock_inx++;
                sock_reps = 0;
            }
            sock_reps++;
            at.cps = res->cores_per_socket[sock_inx];
            at.nsockets = res->sockets_per_node[sock_inx];
            at.host = host ? host : "";
            restd_fp_item(w);
            stop = write(w, &at, arg);
            free(host);
            if (stop)
                break;
            at.bit += (bitoff_t) at.nsockets * at.cps;
        }
        if (hl)
            slurm_hostlist_destroy(hl);
    }
    restd_fp_arr_end(w);
}

/* a node of JOB_RES_NODES (v0.0.40): its cores set in core_bitmap ("allocated", or
 * "allocated_and_in_use" when also in core_bitmap_used), per socket */
static int restd_fp_job_res_node_cores(restd_fp_w *w, const restd_fp_job_res_at_t *at,
                                       const void *arg)
{
    const restd_job_resources_t *res = at->res;
    uint32_t ncores = at->nsockets * at->cps, cps = at->cps;
    int open_socket = -1;

    (void) arg;
    restd_fp_obj_begin(w);
    RESTD_FP_KEY(w, "\"sockets\":");
    restd_fp_obj_begin(w);
    for (uint32_t index = 0; index < ncores; index++) {
        char num[16];
        int n;
        if (!restd_fp_job_res_allocated(at, index))
            continue;
        if ((int) (index / cps) != open_socket) {
            if (open_socket >= 0) {
                restd_fp_obj_end(w);    /* cores */
                restd_fp_obj_end(w);    /* socket */
            }
            open_socket = (int) (index / cps);
            n = snprintf(num, sizeof(num), "\"%u\":", index / cps);
            restd_fp_key(w, num, (size_t) n);
            restd_fp_obj_begin(w);
            RESTD_FP_KEY(w, "\"cores\":");
            restd_fp_obj_begin(w);
        }
        n = snprintf(num, sizeof(num), "\"%u\":", index % cps);
        restd_fp_key(w, num, (size_t) n);
        if (restd_fp_job_res_used(at, index))
            RESTD_FP_LIT(w, "\"allocated_and_in_use\"");
        else
            RESTD_FP_LIT(w, "\"allocated\"");
    }
    if (open_socket >= 0) {
        restd_fp_obj_end(w);
        restd_fp_obj_end(w);
    }
    restd_fp_obj_end(w);
    RESTD_FP_KEY(w, "\"nodename\":");
    restd_fp_str(w, at->host);
    RESTD_FP_KEY(w, "\"cpus_used\":");
    restd_fp_u64(w, res->cpus_used ? res->cpus_used[at->node] : 0);
    RESTD_FP_KEY(w, "\"memory_used\":");
    restd_fp_u64(w, res->memory_used ? res->memory_used[at->node] : 0);
    RESTD_FP_KEY(w, "\"memory_allocated\":");
    restd_fp_u64(w, res->memory_allocated ? res->memory_allocated[at->node] : 0);
    restd_fp_obj_end(w);
    return 0;
}

/* JOB_RES_NODES (v0.0.40): per allocated node, its allocated cores */
static void restd_fp_job_res_nodes(restd_fp_w *w, const restd_job_resources_t *res)
{
    restd_fp_job_res_walk(w, res, restd_fp_job_res_node_cores, NULL);
}

/* JOB_RES_CORE_status_t of data_parser v0.0.41 (restd.data_parser.rules) */
#define RESTD_FP_JOB_RES_CORE_UNALLOC 0xFFFFFFFFFFFFFFFEULL   /* NO_VAL64 */
#define RESTD_FP_JOB_RES_CORE_ALLOC (1ULL << 1)
#define RESTD_FP_JOB_RES_CORE_IN_USE (1ULL << 2)

typedef void (*restd_fp_job_res_node_fn)(restd_fp_w *w, const restd_fp_job_res_node_t *node);

/* a node of JOB_RES_NODES of v0.0.41 on: its CPUs, memory and every core of its
 * sockets with its status (ALLOCATED, plus IN_USE, else UNALLOCATED) as a
 * JOB_RES_NODE record, written by ``*arg``, the generated function of JOB_RES_NODE */
static __attribute__((unused)) int
restd_fp_job_res_node_allocation(restd_fp_w *w, const restd_fp_job_res_at_t *at,
                                 const void *arg)
{
    const restd_fp_job_res_node_fn *write_node = arg;
    const restd_job_resources_t *res = at->res;
    uint32_t nsockets = at->nsockets, cps = at->cps, ncores = nsockets * cps;
    restd_fp_job_res_node_t record;
    restd_fp_job_res_socket_t *sockets = calloc(nsockets ? nsockets : 1, sizeof(*sockets));
    restd_fp_job_res_core_t *cores = calloc(ncores ? ncores : 1, sizeof(*cores));

    if (!sockets || !cores) {
        free(sockets);
        free(cores);
        w->failed = 1;
        return -1;
    }
    for (uint32_t s = 0; s < nsockets; s++) {
        sockets[s].index = s;
        sockets[s].cores = cores + (size_t) s * cps;
        sockets[s].cores_count = cps;
    }
    for (uint32_t index = 0; index < ncores; index++) {
        cores[index].index = index % cps;
        cores[index].status = restd_fp_job_res_allocated(at, index)
                                  ? RESTD_FP_JOB_RES_CORE_ALLOC |
                                    (restd_fp_job_res_used(at, index)
                                         ? RESTD_FP_JOB_RES_CORE_IN_USE : 0)
                                  : RESTD_FP_JOB_RES_CORE_UNALLOC;
    }
    record.index = at->node;
    record.name = at->host;
    record.cpus.count = res->cpus ? res->cpus[at->node] : 0;
    record.cpus.used = res->cpus_used ? res->cpus_used[at->node] : 0;
    record.memory.used = res->memory_used ? res->memory_used[at->node] : 0;
    record.memory.allocated = res->memory_allocated ? res->memory_allocated[at->node] : 0;
    record.sockets = sockets;
    record.sockets_count = nsockets;
    (*write_node)(w, &record);
    free(sockets);
    free(cores);
    return 0;
}

/* JOB_RES_NODES of v0.0.41 on (rules.dump_job_res_allocation): per allocated node,
 * its JOB_RES_NODE record, written by ``write_node`` */
static __attribute__((unused)) void
restd_fp_job_res_allocation(restd_fp_w *w, const restd_job_resources_t *res,
                            restd_fp_job_res_node_fn write_node)
{
    restd_fp_job_res_walk(w, res, restd_fp_job_res_node_allocation, &write_node);
}

typedef void (*restd_fp_part_prio_fn)(restd_fp_w *w, const restd_fp_part_prio_t *prio);

/*
 * PRIORITY_BY_PARTITION of v0.0.42 (rules.dump_priority_by_partition):
 * priorities[i] for the i-th non-empty name of the comma-separated names; none
 * without priorities. Generated only where slurm_job_info_t has these members.
 */
static __attribute__((unused)) void
restd_fp_priority_by_partition(restd_fp_w *w, const uint32_t *priorities, const char *names,
                               restd_fp_part_prio_fn write_prio)
{
    uint32_t index = 0;

    restd_fp_arr_begin(w);
    if (priorities && names) {
        const char *at = names;
        while (*at) {
            const char *end = strchr(at, ',');
            size_t len = end ? (size_t) (end - at) : strlen(at);
            if (len) {
                restd_fp_part_prio_t record;
                char *part = strndup(at, len);
                if (!part) {
                    w->failed = 1;
                    break;
                }
                record.part = part;
                record.prio = priorities[index++];
                restd_fp_item(w);
                write_prio(w, &record);
                free(part);
            }
            if (!end)
                break;
            at = end + 1;
        }
    }
    restd_fp_arr_end(w);
}

/*
 * NODE_SELECT_*: the allocated CPUs/memory/TRES of a node, read once per node
 * (restd_node_alloc(), as the Python Services does) and kept for the next field.
 */
static void restd_fp_node_alloc(restd_fp_w *w, const node_info_t *node)
{
    char *tres = NULL;

    if (w->alloc_node == node)
        return;
    free(w->alloc_tres);
    w->alloc_tres = NULL;
    w->alloc_cpus = 0;
    w->alloc_memory = 0;
    w->alloc_weighted = 0.0;
    restd_node_alloc((node_info_t *) node, &w->alloc_cpus, &w->alloc_memory, &tres,
                     &w->alloc_weighted);
    if (tres) {
        w->alloc_tres = strdup(tres);
        if (RESTD_NODE_ALLOC_TRES_OWNED)
            slurm_xfree_ptr(tres);
    }
    w->alloc_node = node;
}

static void restd_fp_node_select(restd_fp_w *w, const node_info_t *node, int what)
{
    restd_fp_node_alloc(w, node);
    switch (what) {
    case 0:     /* alloc_memory */
        restd_fp_u64(w, w->alloc_memory);
        break;
    case 1:     /* alloc_cpus */
        restd_fp_u64(w, w->alloc_cpus);
        break;
    case 2:     /* alloc_idle_cpus: cpus - alloc_cpus */
        restd_fp_i64(w, (int64_t) node->cpus - (int64_t) w->alloc_cpus);
        break;
    case 3:     /* tres_used */
        restd_fp_str(w, w->alloc_tres ? w->alloc_tres : "");
        break;
    default:    /* tres_weighted */
        restd_fp_double(w, w->alloc_weighted);
        break;
    }
}

/* PROCESS_EXIT_CODE: a wait() status as proc_exit_code_verbose_t */
static restd_fp_exit_code_t restd_fp_exit_code(uint32_t value)
{
    restd_fp_exit_code_t out = {0, 0xFFFFFFFEu /* NO_VAL */, 0xFFFEu /* NO_VAL16 */};
    if (value == 0xFFFFFFFEu) {
        out.status = 1;                         /* PENDING */
    } else if ((value & 0x7F) == 0) {           /* WIFEXITED */
        out.return_code = (value >> 8) & 0xFF;
        out.status = out.return_code ? 3 : 2;   /* ERROR / SUCCESS */
    } else if ((((value & 0x7F) + 1) >> 1) > 0 && (value & 0x7F) != 0x7F) {
        out.status = 4;                         /* SIGNALED */
        out.signal = (uint16_t) (value & 0x7F);
    } else if (value & 0x80) {
        out.status = 5;                         /* CORE_DUMPED */
    } else {
        out.return_code = value;
    }
    return out;
}

/* --- exported to Python (restd.native.fastpath) ---------------------------------------- */

static void restd_fp_free(char *data)
{
    free(data);
}

/*
 * Copy an answer into the (fresh, untouched) buffer of the Python bytes object
 * that will hold it, advising huge pages on it first: as for our own buffer,
 * this spares the page faults of a plain copy.
 */
static void restd_fp_copy_out(void *dst, const char *src, size_t n)
{
#ifdef MADV_HUGEPAGE
    uintptr_t start = ((uintptr_t) dst + RESTD_FP_HUGE - 1) & ~(uintptr_t) (RESTD_FP_HUGE - 1);
    uintptr_t end = ((uintptr_t) dst + n) & ~(uintptr_t) (RESTD_FP_HUGE - 1);
    if (n >= 2 * RESTD_FP_HUGE && end > start)
        madvise((void *) start, end - start, MADV_HUGEPAGE);
#endif
    memcpy(dst, src, n);
}

/* The scalar writers alone, for the tests (tests/test_fastpath.py): one JSON
 * string from len bytes, one JSON number from a double; restd_fp_free() them. */
static char *restd_fp_json_string(const char *s, size_t len, size_t *out_len)
{
    restd_fp_w *w = calloc(1, sizeof(*w));
    char *out;
    if (!w)
        return NULL;
    restd_fp_init(w, 0, 0, 0);
    restd_fp_str_n(w, (const unsigned char *) s, len);
    out = restd_fp_finish(w, out_len);
    free(w);
    return out;
}

static char *restd_fp_json_double(double v, size_t *out_len)
{
    restd_fp_w *w = calloc(1, sizeof(*w));
    char *out;
    if (!w)
        return NULL;
    restd_fp_init(w, 0, 0, 0);
    restd_fp_double(w, v);
    out = restd_fp_finish(w, out_len);
    free(w);
    return out;
}
