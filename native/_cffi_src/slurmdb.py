"""<slurm/slurmdb.h>: accounting (slurmdbd) connection, accounts, users,
associations, wckeys, clusters, QOS, TRES, slurmdbd statistics and job records
(sacct's data: slurmdb_jobs_get, read in C one record at a time, see the end).

Only the members with the same C type in 22.05 and 24.11 are declared; the
ones that changed go through accessors in CUSTOMIZATIONS:

* the ``with_*`` members of ``slurmdb_account_cond_t`` and
  ``slurmdb_assoc_cond_t`` became one ``flags`` member (23.11):
  ``restd_account_cond_set_flags`` / ``restd_assoc_cond_set_flags`` take the
  24.11 flag bits (``RESTD_ACCT_COND_*`` / ``RESTD_ASSOC_COND_*``) and set
  whichever the version has;
* ``slurmdb_account_rec_t.flags`` and ``slurmdb_assoc_rec_t.flags`` changed
  type (uint32_t/uint16_t to enums): ``restd_account_flags``,
  ``restd_assoc_flags``;
* ``slurmdb_assoc_rec_t.comment`` and ``.lineage`` appeared in 23.11:
  ``restd_assoc_comment``, ``restd_assoc_lineage`` (NULL before);
* ``slurmdb_job_rec_t.extra``, ``.failed_node`` and ``.licenses`` appeared in
  23.02: ``restd_job_rec_read`` gives NULL before
  (``HAS_JOB_EXTRA_FAILED_NODE_LICENSES`` 0);
* ``slurm_selected_step_t`` gained ``array_bitmap`` (24.11): step_list items are
  set through ``restd_selected_step_set``.
"""

INCLUDES = """
#include <slurm/slurmdb.h>
"""

TYPES = """
typedef struct {
    struct xlist *acct_list;
    struct xlist *cluster_list;
    struct xlist *def_qos_id_list;
    struct xlist *format_list;
    struct xlist *id_list;
    struct xlist *parent_acct_list;
    struct xlist *partition_list;
    struct xlist *qos_list;
    time_t usage_end;
    time_t usage_start;
    struct xlist *user_list;
    ...;
} slurmdb_assoc_cond_t;

typedef struct {
    slurmdb_assoc_cond_t *assoc_cond;
    struct xlist *description_list;
    struct xlist *organization_list;
    ...;
} slurmdb_account_cond_t;

typedef struct {
    uint16_t admin_level;
    slurmdb_assoc_cond_t *assoc_cond;
    struct xlist *def_acct_list;
    struct xlist *def_wckey_list;
    uint16_t with_assocs;
    uint16_t with_coords;
    uint16_t with_deleted;
    uint16_t with_wckeys;
    uint16_t without_defaults;
    ...;
} slurmdb_user_cond_t;

typedef struct {
    struct xlist *assoc_list;
    struct xlist *coordinators;
    char *description;
    char *name;
    char *organization;
    ...;
} slurmdb_account_rec_t;

typedef struct {
    char *name;
    uint16_t direct;
    ...;
} slurmdb_coord_rec_t;

typedef struct {
    uint64_t alloc_secs;
    uint32_t rec_count;
    uint64_t count;
    uint32_t id;
    char *name;
    char *type;
    ...;
} slurmdb_tres_rec_t;

typedef struct {
    uint64_t alloc_secs;
    uint32_t id;
    time_t period_start;
    slurmdb_tres_rec_t tres_rec;
    ...;
} slurmdb_accounting_rec_t;

typedef struct {
    struct xlist *accounting_list;
    char *cluster;
    uint32_t flags;
    uint32_t id;
    uint16_t is_def;
    char *name;
    uint32_t uid;
    char *user;
    ...;
} slurmdb_wckey_rec_t;

typedef struct {
    uint16_t admin_level;
    struct xlist *assoc_list;
    struct xlist *coord_accts;
    char *default_acct;
    char *default_wckey;
    uint32_t flags;
    char *name;
    char *old_name;
    uint32_t uid;
    struct xlist *wckey_list;
    ...;
} slurmdb_user_rec_t;

typedef struct {
    struct xlist *accounting_list;
    char *acct;
    char *cluster;
    uint32_t def_qos_id;
    uint32_t grp_jobs;
    uint32_t grp_jobs_accrue;
    uint32_t grp_submit_jobs;
    char *grp_tres;
    char *grp_tres_mins;
    char *grp_tres_run_mins;
    uint32_t grp_wall;
    uint32_t id;
    uint16_t is_def;
    uint32_t max_jobs;
    uint32_t max_jobs_accrue;
    uint32_t max_submit_jobs;
    char *max_tres_mins_pj;
    char *max_tres_run_mins;
    char *max_tres_pj;
    char *max_tres_pn;
    uint32_t max_wall_pj;
    uint32_t min_prio_thresh;
    char *parent_acct;
    uint32_t parent_id;
    char *partition;
    uint32_t priority;
    struct xlist *qos_list;
    uint32_t shares_raw;
    uint32_t uid;
    char *user;
    ...;
} slurmdb_assoc_rec_t;

typedef struct {
    struct xlist *description_list;
    struct xlist *id_list;
    struct xlist *format_list;
    struct xlist *name_list;
    uint16_t preempt_mode;
    ...;
} slurmdb_qos_cond_t;

typedef struct {
    char *description;
    uint32_t id;
    uint32_t flags;
    uint32_t grace_time;
    uint32_t grp_jobs_accrue;
    uint32_t grp_jobs;
    uint32_t grp_submit_jobs;
    char *grp_tres;
    char *grp_tres_mins;
    char *grp_tres_run_mins;
    uint32_t grp_wall;
    double limit_factor;
    uint32_t max_jobs_pa;
    uint32_t max_jobs_pu;
    uint32_t max_jobs_accrue_pa;
    uint32_t max_jobs_accrue_pu;
    uint32_t max_submit_jobs_pa;
    uint32_t max_submit_jobs_pu;
    char *max_tres_mins_pj;
    char *max_tres_pa;
    char *max_tres_pj;
    char *max_tres_pn;
    char *max_tres_pu;
    char *max_tres_run_mins_pa;
    char *max_tres_run_mins_pu;
    uint32_t max_wall_pj;
    uint32_t min_prio_thresh;
    char *min_tres_pj;
    char *name;
    int64_t *preempt_bitstr;
    struct xlist *preempt_list;
    uint16_t preempt_mode;
    uint32_t preempt_exempt_time;
    uint32_t priority;
    double usage_factor;
    double usage_thres;
    ...;
} slurmdb_qos_rec_t;

typedef struct {
    uint64_t count;
    struct xlist *format_list;
    struct xlist *id_list;
    struct xlist *name_list;
    struct xlist *type_list;
    uint16_t with_deleted;
    ...;
} slurmdb_tres_cond_t;

typedef struct {
    struct xlist *cluster_list;
    struct xlist *format_list;
    struct xlist *id_list;
    struct xlist *name_list;
    uint16_t only_defs;
    time_t usage_end;
    time_t usage_start;
    struct xlist *user_list;
    uint16_t with_usage;
    uint16_t with_deleted;
    ...;
} slurmdb_wckey_cond_t;

/* Reservations: only what resolves a job filter's reservation names to ids. */
typedef struct {
    struct xlist *cluster_list;
    struct xlist *name_list;
    ...;
} slurmdb_reservation_cond_t;

typedef struct {
    char *cluster;
    uint32_t id;
    char *name;
    ...;
} slurmdb_reservation_rec_t;

typedef struct {
    uint16_t classification;
    struct xlist *cluster_list;
    struct xlist *federation_list;
    uint32_t flags;
    struct xlist *format_list;
    struct xlist *rpc_version_list;
    time_t usage_end;
    time_t usage_start;
    uint16_t with_deleted;
    uint16_t with_usage;
    ...;
} slurmdb_cluster_cond_t;

typedef struct {
    struct xlist *accounting_list;
    uint16_t classification;
    char *control_host;
    uint32_t control_port;
    uint32_t flags;
    char *name;
    char *nodes;
    slurmdb_assoc_rec_t *root_assoc;
    uint16_t rpc_version;
    char *tres_str;
    ...;
} slurmdb_cluster_rec_t;

typedef struct {
    char *cluster_name;
    uint16_t count[...];
    time_t timestamp[...];
    uint64_t time_last[...];
    uint64_t time_max[...];
    uint64_t time_total[...];
    ...;
} slurmdb_rollup_stats_t;

typedef struct {
    slurmdb_rollup_stats_t *dbd_rollup_stats;
    struct xlist *rollup_stats;
    struct xlist *rpc_list;
    time_t time_start;
    struct xlist *user_list;
    ...;
} slurmdb_stats_rec_t;

typedef struct {
    uint32_t cnt;
    uint32_t id;
    uint64_t time;
    uint64_t time_ave;
    ...;
} slurmdb_rpc_obj_t;

#define DBD_ROLLUP_COUNT ...

/* 24.11's flag bits, mapped onto 22.05's with_* members by the setters */
#define RESTD_ACCT_COND_DELETED ...
#define RESTD_ACCT_COND_WASSOC ...
#define RESTD_ACCT_COND_WCOORD ...
#define RESTD_ASSOC_COND_WITH_DELETED ...
#define RESTD_ASSOC_COND_WITH_USAGE ...
#define RESTD_ASSOC_COND_ONLY_DEFS ...
#define RESTD_ASSOC_COND_RAW_QOS ...
#define RESTD_ASSOC_COND_SUB_ACCTS ...
#define RESTD_ASSOC_COND_WOPI ...
#define RESTD_ASSOC_COND_WOPL ...

#define SLURMDB_ADMIN_NOTSET ...
#define SLURMDB_ADMIN_NONE ...
#define SLURMDB_ADMIN_OPERATOR ...
#define SLURMDB_ADMIN_SUPER_USER ...
"""

FUNCTIONS = """
void *slurmdb_connection_get(uint16_t *persist_conn_flags);
int slurmdb_connection_close(void **db_conn);
int restd_slurmdb_connection_close(void **db_conn);
int slurmdb_connection_commit(void *db_conn, bool commit);

int slurmdb_accounts_add(void *db_conn, struct xlist *acct_list);
struct xlist *slurmdb_accounts_get(void *db_conn, slurmdb_account_cond_t *acct_cond);
struct xlist *slurmdb_accounts_remove(void *db_conn, slurmdb_account_cond_t *acct_cond);
struct xlist *slurmdb_accounts_modify(void *db_conn, slurmdb_account_cond_t *acct_cond,
                                      slurmdb_account_rec_t *acct);
int slurmdb_coord_add(void *db_conn, struct xlist *acct_list, slurmdb_user_cond_t *user_cond);
struct xlist *slurmdb_coord_remove(void *db_conn, struct xlist *acct_list,
                                   slurmdb_user_cond_t *user_cond);

int slurmdb_users_add(void *db_conn, struct xlist *user_list);
struct xlist *slurmdb_users_get(void *db_conn, slurmdb_user_cond_t *user_cond);
struct xlist *slurmdb_users_modify(void *db_conn, slurmdb_user_cond_t *user_cond,
                                   slurmdb_user_rec_t *user);
struct xlist *slurmdb_users_remove(void *db_conn, slurmdb_user_cond_t *user_cond);

int slurmdb_associations_add(void *db_conn, struct xlist *assoc_list);
struct xlist *slurmdb_associations_get(void *db_conn, slurmdb_assoc_cond_t *assoc_cond);
struct xlist *slurmdb_associations_remove(void *db_conn, slurmdb_assoc_cond_t *assoc_cond);
struct xlist *slurmdb_associations_modify(void *db_conn, slurmdb_assoc_cond_t *assoc_cond,
                                          slurmdb_assoc_rec_t *assoc);

struct xlist *slurmdb_qos_get(void *db_conn, slurmdb_qos_cond_t *qos_cond);
int slurmdb_qos_add(void *db_conn, struct xlist *qos_list);
struct xlist *slurmdb_qos_modify(void *db_conn, slurmdb_qos_cond_t *qos_cond,
                                 slurmdb_qos_rec_t *qos);
struct xlist *slurmdb_qos_remove(void *db_conn, slurmdb_qos_cond_t *qos_cond);
void slurmdb_init_qos_rec(slurmdb_qos_rec_t *qos, bool free_it, uint32_t init_val);
void restd_qos_cond_set_with_deleted(slurmdb_qos_cond_t *cond, int with_deleted);
int64_t restd_bitstr_size(int64_t *bits);
int restd_bitstr_test(int64_t *bits, int64_t bit);
struct xlist *slurmdb_tres_get(void *db_conn, slurmdb_tres_cond_t *tres_cond);
void slurmdb_init_tres_cond(slurmdb_tres_cond_t *tres, bool free_it);

int slurmdb_wckeys_add(void *db_conn, struct xlist *wckey_list);
struct xlist *slurmdb_wckeys_get(void *db_conn, slurmdb_wckey_cond_t *wckey_cond);
struct xlist *slurmdb_wckeys_remove(void *db_conn, slurmdb_wckey_cond_t *wckey_cond);
struct xlist *slurmdb_reservations_get(void *db_conn,
                                       slurmdb_reservation_cond_t *resv_cond);

int slurmdb_clusters_add(void *db_conn, struct xlist *cluster_list);
struct xlist *slurmdb_clusters_get(void *db_conn, slurmdb_cluster_cond_t *cluster_cond);
struct xlist *slurmdb_clusters_remove(void *db_conn, slurmdb_cluster_cond_t *cluster_cond);
void slurmdb_init_cluster_rec(slurmdb_cluster_rec_t *cluster, bool free_it);
void slurmdb_init_cluster_cond(slurmdb_cluster_cond_t *cluster, bool free_it);

void slurmdb_init_assoc_rec(slurmdb_assoc_rec_t *assoc, bool free_it);
void slurmdb_init_wckey_rec(slurmdb_wckey_rec_t *wckey, bool free_it);

int slurmdb_get_stats(void *db_conn, slurmdb_stats_rec_t **stats_pptr);
void slurmdb_destroy_stats_rec(void *object);
char *slurmdbd_msg_type_2_str(int msg_type, int get_enum);

bool slurm_with_slurmdbd(void);
const char *restd_accounting_storage_type(void);

void restd_account_cond_set_flags(slurmdb_account_cond_t *cond, uint32_t flags);
void restd_assoc_cond_set_flags(slurmdb_assoc_cond_t *cond, uint32_t flags);
uint32_t restd_account_flags(slurmdb_account_rec_t *acct);
uint32_t restd_assoc_flags(slurmdb_assoc_rec_t *assoc);
const char *restd_assoc_comment(slurmdb_assoc_rec_t *assoc);
const char *restd_assoc_lineage(slurmdb_assoc_rec_t *assoc);
uint32_t restd_accounting_id_alt(slurmdb_accounting_rec_t *rec);
uint32_t restd_user_def_qos_id(slurmdb_user_rec_t *user);
"""

CUSTOMIZATIONS = """
#define RESTD_ACCT_COND_DELETED 0x1
#define RESTD_ACCT_COND_WASSOC 0x2
#define RESTD_ACCT_COND_WCOORD 0x4
#define RESTD_ASSOC_COND_WITH_DELETED 0x1
#define RESTD_ASSOC_COND_WITH_USAGE 0x2
#define RESTD_ASSOC_COND_ONLY_DEFS 0x4
#define RESTD_ASSOC_COND_RAW_QOS 0x8
#define RESTD_ASSOC_COND_SUB_ACCTS 0x10
#define RESTD_ASSOC_COND_WOPI 0x20
#define RESTD_ASSOC_COND_WOPL 0x40

extern int slurmdb_get_stats(void *db_conn, slurmdb_stats_rec_t **stats_pptr);
void slurmdb_destroy_stats_rec(void *object);
char *slurmdbd_msg_type_2_str(int msg_type, int get_enum);

bool slurm_with_slurmdbd(void);

/*
 * slurmdb_connection_close(), then free what it left behind. libslurm's dbd_conn_close()
 * (accounting_storage/slurmdbd) up to 23.02.2 returns early, without
 * slurm_persist_conn_destroy(), when the connection is no longer writeable, and its
 * socket then stays open for the life of the process. slurmdbd ends a connection after
 * refusing an RPC (ESLURM_ACCESS_DENIED: slurm_persist_conn.c,
 * _process_service_connection), so every refused request leaked one socket. 23.02.3
 * always destroys it (SchedMD commit 846820c4fc, bug 16669). Every path that destroys
 * the connection also sets *db_conn to NULL, so a handle still set here is one libslurm
 * left, whatever the version. (slurm_persist_conn_destroy() is internal, exported by
 * libslurmfull 22.05 ... 24.11.)
 */
extern void slurm_persist_conn_destroy(void *persist_conn);

static int restd_slurmdb_connection_close(void **db_conn)
{
    int rc = slurmdb_connection_close(db_conn);
    if (db_conn && *db_conn) {
        slurm_persist_conn_destroy(*db_conn);
        *db_conn = NULL;
    }
    return rc;
}

static const char *restd_accounting_storage_type(void)
{
    return slurm_conf.accounting_storage_type;
}

/* slurmdb_accounting_rec_t.id_alt came with 24.11 (0 before, as zeroed) */
static uint32_t restd_accounting_id_alt(slurmdb_accounting_rec_t *rec)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(24,11,0)
    return rec->id_alt;
#else
    (void) rec;
    return 0;
#endif
}

/* slurmdb_user_rec_t.def_qos_id came with 25.11 (0 before: no default QOS) */
static uint32_t restd_user_def_qos_id(slurmdb_user_rec_t *user)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(25,11,0)
    return user->def_qos_id;
#else
    (void) user;
    return 0;
#endif
}

static void restd_account_cond_set_flags(slurmdb_account_cond_t *cond, uint32_t flags)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
    cond->flags = flags;
#else
    cond->with_deleted = (flags & RESTD_ACCT_COND_DELETED) ? 1 : 0;
    cond->with_assocs = (flags & RESTD_ACCT_COND_WASSOC) ? 1 : 0;
    cond->with_coords = (flags & RESTD_ACCT_COND_WCOORD) ? 1 : 0;
#endif
}

static void restd_assoc_cond_set_flags(slurmdb_assoc_cond_t *cond, uint32_t flags)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
    cond->flags = flags;
#else
    cond->with_deleted = (flags & RESTD_ASSOC_COND_WITH_DELETED) ? 1 : 0;
    cond->with_usage = (flags & RESTD_ASSOC_COND_WITH_USAGE) ? 1 : 0;
    cond->only_defs = (flags & RESTD_ASSOC_COND_ONLY_DEFS) ? 1 : 0;
    cond->with_raw_qos = (flags & RESTD_ASSOC_COND_RAW_QOS) ? 1 : 0;
    cond->with_sub_accts = (flags & RESTD_ASSOC_COND_SUB_ACCTS) ? 1 : 0;
    cond->without_parent_info = (flags & RESTD_ASSOC_COND_WOPI) ? 1 : 0;
    cond->without_parent_limits = (flags & RESTD_ASSOC_COND_WOPL) ? 1 : 0;
#endif
}

static uint32_t restd_account_flags(slurmdb_account_rec_t *acct)
{
    return (uint32_t) acct->flags;
}

static uint32_t restd_assoc_flags(slurmdb_assoc_rec_t *assoc)
{
    return (uint32_t) assoc->flags;
}

static const char *restd_assoc_comment(slurmdb_assoc_rec_t *assoc)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
    return assoc->comment;
#else
    return NULL;
#endif
}

static void restd_qos_cond_set_with_deleted(slurmdb_qos_cond_t *cond, int with_deleted)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
    if (with_deleted)
        cond->flags |= QOS_COND_FLAG_WITH_DELETED;
    else
        cond->flags &= ~QOS_COND_FLAG_WITH_DELETED;
#else
    cond->with_deleted = with_deleted ? 1 : 0;
#endif
}

/* bitstr_t (src/common/bitstring.c, unchanged 22.05 ... 24.11): word 0 a magic,
 * word 1 the number of bits, then the bits, 64 a word. bit_test() is not in the
 * public headers (and its return type changed), so it is read here. */
static int64_t restd_bitstr_size(int64_t *bits)
{
    return bits ? bits[1] : 0;
}

static int restd_bitstr_test(int64_t *bits, int64_t bit)
{
    if (!bits || bit < 0 || bit >= bits[1])
        return 0;
    return (int) ((((uint64_t) bits[2 + (bit >> 6)]) >> (bit & 63)) & 1);
}

static const char *restd_assoc_lineage(slurmdb_assoc_rec_t *assoc)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
    return assoc->lineage;
#else
    return NULL;
#endif
}
"""


# --- job records (sacct's data): slurmdb_jobs_get ---------------------------------------
#
# A job history can hold tens of thousands of records of ~60 members each, and reading a
# cffi field costs ~230 ns: the members are read in C, one call per record, into an array
# of numbers and one buffer of NUL-terminated strings (with a mask of the NULL ones).
# The member tables below generate that C and the comma-separated name lists the Python
# side (restd.native.accounting) reads back from the library, so both use one order.
# A dotted name is a member of a nested struct ("stats.tres_usage_in_max").

JOB_REC_NUMBERS = (
    "alloc_nodes", "array_job_id", "array_max_tasks", "array_task_id", "associd",
    "db_index", "derived_ec", "elapsed", "eligible", "end", "exitcode", "flags", "gid",
    "het_job_id", "het_job_offset", "jobid", "priority", "qosid", "req_cpus", "req_mem",
    "requid", "resvid", "start", "state", "state_reason_prev", "submit", "suspended",
    "sys_cpu_sec", "sys_cpu_usec", "timelimit", "tot_cpu_sec", "tot_cpu_usec", "uid",
    "user_cpu_sec", "user_cpu_usec", "wckeyid",
)
JOB_REC_STRINGS = (
    "account", "admin_comment", "array_task_str", "blockid", "cluster", "constraints",
    "container", "derived_es", "env", "jobname", "mcs_label", "nodes", "partition",
    "resv_name", "script", "submit_line", "system_comment", "tres_alloc_str",
    "tres_req_str", "used_gres", "user", "wckey", "work_dir",
)
# members added in later releases, read as C zero/NULL before: (release, names)
# 23.02: extra, failed_node, licenses (HAS_JOB_EXTRA_FAILED_NODE_LICENSES is 0 before);
# 24.05: the stdio paths (data_parser v0.0.41's stdin, stdout, stderr);
# 24.11: the requested QOS and the restart count (v0.0.42's qosreq, restart_cnt);
# 25.05: the requested reservations and segment size (v0.0.43's reservation/requested,
# segment_size)
JOB_REC_STRINGS_LATER = (((23, 2), ("extra", "failed_node", "licenses")),
                         ((24, 5), ("std_err", "std_in", "std_out")),
                         ((24, 11), ("qos_req",)),
                         ((25, 5), ("resv_req",)),
                         ((26, 5), ("exclusive", "oversubscribe")))
# 26.05: the job's SLUIDs (v0.0.45's sluid, the record's db_index, which 26.05 makes a
# SLUID, read as "db_sluid"; and original_sluid, slurmdb_job_rec_t.sluid): 0 before,
# as a job record of an older Slurm has no SLUID
JOB_REC_NUMBERS_LATER = (((24, 11), ("restart_cnt",)),
                         ((25, 5), ("segment_size",)),
                         ((26, 5), ("db_sluid", "sluid")))

STEP_REC_NUMBERS = (
    "elapsed", "end", "exitcode", "nnodes", "ntasks", "req_cpufreq_min",
    "req_cpufreq_max", "req_cpufreq_gov", "requid", "start", "state", "suspended",
    "sys_cpu_sec", "sys_cpu_usec", "task_dist", "tot_cpu_sec", "tot_cpu_usec",
    "user_cpu_sec", "user_cpu_usec",
    "stats.act_cpufreq", "stats.consumed_energy",
    "step_id.job_id", "step_id.step_het_comp", "step_id.step_id",
)
STEP_REC_STRINGS = (
    "container", "nodes", "pid_str", "stepname", "submit_line", "tres_alloc_str",
    *("stats.tres_usage_%s" % name for name in (
        "in_ave", "in_max", "in_max_nodeid", "in_max_taskid", "in_min", "in_min_nodeid",
        "in_min_taskid", "in_tot", "out_ave", "out_max", "out_max_nodeid",
        "out_max_taskid", "out_min", "out_min_nodeid", "out_min_taskid", "out_tot")),
)

# members of the step record added later: 25.05 recorded the step's stdio paths, working
# directory and time limit (v0.0.43's step/stdin..., time/limit); NO_VAL before for the
# time limit, as slurmdbd gives a step without one
STEP_REC_STRINGS_LATER = (((25, 5), ("cwd", "std_err", "std_in", "std_out")),)
STEP_REC_NUMBERS_LATER = (((25, 5), ("timelimit",)),)

# How a number is read when a plain cast to uint64_t would not give the C value the
# data_parser reads: the step's exit code is an int32_t that Slurm dumps as uint32_t;
# act_cpufreq is a double (kHz), published as an integer.
_NUMBER_EXPRESSIONS = {
    ("step", "exitcode"): "(uint64_t) (uint32_t) rec->exitcode",
    ("step", "stats.act_cpufreq"):
        "(rec->stats.act_cpufreq > 0 ? (uint64_t) rec->stats.act_cpufreq : 0)",
}


def _later(lines, release, assignments, absent):
    """Assignments of members a release added, ``absent`` before it."""
    lines.append("#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(%d,%d,0)" % release)
    lines.extend(assignments)
    lines.append("#else")
    lines.extend(absent)
    lines.append("#endif")


# what a later member reads as before its release, when not C zero/NULL
_ABSENT = {("step", "timelimit"): "NO_VAL"}
# later members read under another name than their C member's
_LATER_MEMBERS = {("job", "db_sluid"): "db_index"}


def _later_members(lines, array, cast, start, later, absent, kind=""):
    """``array[start...] = rec->member`` for the members of ``later`` ((release,
    names) pairs), each group ``absent`` before its release."""
    for release, names in later:
        slots = range(start, start + len(names))
        _later(lines, release,
               ["    %s[%d] = %srec->%s;" % (array, i, cast, _LATER_MEMBERS.get((kind, n), n))
                for i, n in zip(slots, names)],
               ["    %s[%d] = %s;" % (array, i, _ABSENT.get((kind, n), absent))
                for i, n in zip(slots, names)])
        start += len(names)


def _names(plain, later):
    return tuple(plain) + tuple(name for _, names in later for name in names)


def _reader(kind, c_type, numbers, strings, numbers_later=(), strings_later=()):
    all_numbers, all_strings = _names(numbers, numbers_later), _names(strings, strings_later)
    lines = ["static size_t restd_%s_rec_read(const %s *rec, uint64_t *numbers, char *text,"
             % (kind, c_type),
             "                                 size_t cap)", "{",
             "    const char *strings[%d];" % len(all_strings)]
    for index, name in enumerate(numbers):
        expression = _NUMBER_EXPRESSIONS.get((kind, name), "(uint64_t) rec->%s" % name)
        lines.append("    numbers[%d] = %s;" % (index, expression))
    _later_members(lines, "numbers", "(uint64_t) ", len(numbers), numbers_later, "0", kind)
    for index, name in enumerate(strings):
        lines.append("    strings[%d] = rec->%s;" % (index, name))
    _later_members(lines, "strings", "", len(strings), strings_later, "NULL", kind)
    lines.append("    return restd_pack_strings(strings, %d, &numbers[%d], text, cap);"
                 % (len(all_strings), len(all_numbers)))
    lines.append("}")
    return "\n".join(lines)


TYPES += """
typedef struct {
    struct xlist *acct_list;
    struct xlist *associd_list;
    struct xlist *cluster_list;
    struct xlist *constraint_list;
    uint32_t cpus_max;
    uint32_t cpus_min;
    uint32_t db_flags;
    int32_t exitcode;
    uint32_t flags;
    struct xlist *format_list;
    struct xlist *groupid_list;
    struct xlist *jobname_list;
    uint32_t nodes_max;
    uint32_t nodes_min;
    struct xlist *partition_list;
    struct xlist *qos_list;
    struct xlist *reason_list;
    struct xlist *resv_list;
    struct xlist *resvid_list;
    struct xlist *state_list;
    struct xlist *step_list;
    uint32_t timelimit_max;
    uint32_t timelimit_min;
    time_t usage_end;
    time_t usage_start;
    char *used_nodes;
    struct xlist *userid_list;
    struct xlist *wckey_list;
    ...;
} slurmdb_job_cond_t;

/* read through restd_job_rec_read() / restd_step_rec_read() */
typedef struct {
    uint32_t exitcode;   /* read alone by the exit_code filter (JobRecords.retain) */
    uint32_t jobid;
    struct xlist *steps;
    ...;
} slurmdb_job_rec_t;

typedef struct {
    char *tres_usage_in_max;
    ...;
} slurmdb_stats_t;

typedef struct {
    char *stepname;
    slurmdb_stats_t stats;
    ...;
} slurmdb_step_rec_t;

/* a step_list item (24.11 added array_bitmap): set by restd_selected_step_set() */
typedef struct {
    uint32_t array_task_id;
    uint32_t het_job_offset;
    ...;
} slurm_selected_step_t;

#define JOBCOND_FLAG_DUP ...
#define JOBCOND_FLAG_NO_STEP ...
#define JOBCOND_FLAG_NO_TRUNC ...
#define JOBCOND_FLAG_RUNAWAY ...
#define JOBCOND_FLAG_WHOLE_HETJOB ...
#define JOBCOND_FLAG_NO_WHOLE_HETJOB ...
#define JOBCOND_FLAG_NO_WAIT ...
#define JOBCOND_FLAG_NO_DEFAULT_USAGE ...
#define JOBCOND_FLAG_SCRIPT ...
#define JOBCOND_FLAG_ENV ...

#define SLURMDB_JOB_FLAG_NONE ...
#define SLURMDB_JOB_CLEAR_SCHED ...
#define SLURMDB_JOB_FLAG_NOTSET ...
#define SLURMDB_JOB_FLAG_SUBMIT ...
#define SLURMDB_JOB_FLAG_SCHED ...
#define SLURMDB_JOB_FLAG_BACKFILL ...
#define SLURMDB_JOB_FLAG_START_R ...

static const long HAS_JOB_EXTRA_FAILED_NODE_LICENSES;
"""

FUNCTIONS += """
struct xlist *slurmdb_jobs_get(void *db_conn, slurmdb_job_cond_t *job_cond);
void slurmdb_destroy_job_rec(void *object);
void slurmdb_destroy_step_rec(void *object);
void slurmdb_destroy_job_cond(void *object);
/* sacct's default usage_start/usage_end for a condition (internal, exported) */
void slurmdb_job_cond_def_start_end(slurmdb_job_cond_t *job_cond);

void restd_selected_step_set(slurm_selected_step_t *step, uint32_t job_id,
                             uint32_t array_task_id, uint32_t het_job_offset,
                             uint32_t step_id, uint32_t step_het_comp);
/* the first cap items of a list into out; the list's length */
size_t restd_list_to_array(struct xlist *list, void **out, size_t cap);
size_t restd_job_rec_steps(const slurmdb_job_rec_t *job, void **out, size_t cap);
/* comma-separated member names: 0 job numbers, 1 job strings, 2 step numbers,
 * 3 step strings (the order restd_*_rec_read fills) */
const char *restd_rec_member_names(int which);
/* numbers[0..n-1] in member order, numbers[n] a mask of the NULL strings; the strings
 * NUL-terminated into text when they fit in cap; returns the bytes they need */
size_t restd_job_rec_read(const slurmdb_job_rec_t *rec, uint64_t *numbers, char *text,
                          size_t cap);
size_t restd_step_rec_read(const slurmdb_step_rec_t *rec, uint64_t *numbers, char *text,
                           size_t cap);
"""

CUSTOMIZATIONS += """
#include <string.h>

extern void slurmdb_job_cond_def_start_end(slurmdb_job_cond_t *job_cond);

#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,2,0)
static const long HAS_JOB_EXTRA_FAILED_NODE_LICENSES = 1;
#else
static const long HAS_JOB_EXTRA_FAILED_NODE_LICENSES = 0;
#endif

static void restd_selected_step_set(slurm_selected_step_t *step, uint32_t job_id,
                                    uint32_t array_task_id, uint32_t het_job_offset,
                                    uint32_t step_id, uint32_t step_het_comp)
{
    step->array_task_id = array_task_id;
    step->het_job_offset = het_job_offset;
    step->step_id.job_id = job_id;
    step->step_id.step_id = step_id;
    step->step_id.step_het_comp = step_het_comp;
}

static size_t restd_list_to_array(struct xlist *list, void **out, size_t cap)
{
    size_t count = 0;
    struct listIterator *it;
    void *item;

    if (!list)
        return 0;
    it = slurm_list_iterator_create(list);
    while ((item = slurm_list_next(it))) {
        if (count < cap)
            out[count] = item;
        count++;
    }
    slurm_list_iterator_destroy(it);
    return count;
}

static size_t restd_job_rec_steps(const slurmdb_job_rec_t *job, void **out, size_t cap)
{
    return restd_list_to_array(job->steps, out, cap);
}

static size_t restd_pack_strings(const char **strings, size_t count, uint64_t *null_mask,
                                 char *text, size_t cap)
{
    size_t used = 0;
    uint64_t mask = 0;

    for (size_t i = 0; i < count; i++) {
        const char *value = strings[i];
        size_t len;

        if (!value) {
            mask |= ((uint64_t) 1) << i;
            value = "";
        }
        len = strlen(value) + 1;
        if (used + len <= cap)
            memcpy(text + used, value, len);
        used += len;
    }
    *null_mask = mask;
    return used;
}
""" + "\n\n".join([
    _reader("job", "slurmdb_job_rec_t", JOB_REC_NUMBERS, JOB_REC_STRINGS,
            JOB_REC_NUMBERS_LATER, JOB_REC_STRINGS_LATER),
    _reader("step", "slurmdb_step_rec_t", STEP_REC_NUMBERS, STEP_REC_STRINGS,
            STEP_REC_NUMBERS_LATER, STEP_REC_STRINGS_LATER),
    """static const char *restd_rec_member_names(int which)
{
    switch (which) {
    case 0: return "%s";
    case 1: return "%s";
    case 2: return "%s";
    case 3: return "%s";
    }
    return "";
}""" % (",".join(_names(JOB_REC_NUMBERS, JOB_REC_NUMBERS_LATER)),
        ",".join(_names(JOB_REC_STRINGS, JOB_REC_STRINGS_LATER)),
        ",".join(_names(STEP_REC_NUMBERS, STEP_REC_NUMBERS_LATER)),
        ",".join(_names(STEP_REC_STRINGS, STEP_REC_STRINGS_LATER))),
])


# --- job record updates: slurmdb_job_modify() (every release restd builds against) ---------
# as_mysql_modify_job() changes derived_ec, derived_es, admin_comment, system_comment and
# wckey on every release; extra from 23.02 (HAS_JOB_EXTRA_FAILED_NODE_LICENSES: the member
# came then), the allocated TRES from 25.11 (HAS_JOB_MODIFY_TRES: slurmdbd before 25.11
# ignores tres_alloc_str in an update).

TYPES += """
static const long HAS_JOB_MODIFY_TRES;
"""

FUNCTIONS += """
struct xlist *slurmdb_job_modify(void *db_conn, slurmdb_job_cond_t *job_cond,
                                 slurmdb_job_rec_t *job);
/* the changes of an update into a zeroed job record (a NULL string: unchanged;
 * derived_ec NO_VAL: unchanged); -1 when a change needs a member this Slurm lacks */
int restd_job_rec_set_modify(slurmdb_job_rec_t *job, uint32_t derived_ec,
                             char *derived_es, char *admin_comment, char *system_comment,
                             char *wckey, char *extra, char *tres_alloc_str);
"""

CUSTOMIZATIONS += """
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(25,11,0)
static const long HAS_JOB_MODIFY_TRES = 1;
#else
static const long HAS_JOB_MODIFY_TRES = 0;
#endif

static int restd_job_rec_set_modify(slurmdb_job_rec_t *job, uint32_t derived_ec,
                                    char *derived_es, char *admin_comment,
                                    char *system_comment, char *wckey, char *extra,
                                    char *tres_alloc_str)
{
    job->derived_ec = derived_ec;
    job->derived_es = derived_es;
    job->admin_comment = admin_comment;
    job->system_comment = system_comment;
    job->wckey = wckey;
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,2,0)
    job->extra = extra;
#else
    if (extra)
        return -1;
#endif
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(25,11,0)
    job->tres_alloc_str = tres_alloc_str;
#else
    if (tres_alloc_str)
        return -1;
#endif
    return 0;
}
"""

# --- the slurmdbd configuration: DBD_GET_CONFIG ---------------------------------------------
# slurmdbd answers its configuration as key pairs (sacctmgr show config) up to 25.11
# (slurmdb_config_get() returns them); 26.05 answers a slurmdbd_conf_t, whose key pairs
# slurmdb_config_get_keypairs() makes. restd_slurmdb_config_keypairs() gives the key
# pairs on every release (NULL with errno set on failure).

TYPES += """
typedef struct {
    char *name;
    char *value;
} restd_config_key_pair_t;
"""

FUNCTIONS += """
struct xlist *restd_slurmdb_config_keypairs(void *db_conn);
"""

CUSTOMIZATIONS += """
/* config_key_pair_t of src/common/read_config.h (internal; the same 22.05 ... 26.05) */
typedef struct {
    char *name;
    char *value;
} restd_config_key_pair_t;

static struct xlist *restd_slurmdb_config_keypairs(void *db_conn)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26,5,0)
    slurmdbd_conf_t *conf = NULL;
    struct xlist *pairs;
    int rc = slurmdb_config_get(db_conn, &conf);

    if (rc != SLURM_SUCCESS) {
        errno = rc;
        return NULL;
    }
    pairs = slurmdb_config_get_keypairs(conf);
    slurmdbd_free_conf(conf);
    return pairs;
#else
    return slurmdb_config_get(db_conn);
#endif
}
"""

# --- instances: slurmdb_instances_get() came with 23.11 -----------------------------------
# HAS_INSTANCES is 0 before (restd_instances_get() then returns NULL with errno
# ESLURM_NOT_SUPPORTED); restd_instance_rec_t is slurmdb_instance_rec_t where it exists.

TYPES += """
static const long HAS_INSTANCES;
typedef struct {
    char *cluster;
    char *extra;
    char *instance_id;
    char *instance_type;
    char *node_name;
    time_t time_end;
    time_t time_start;
    ...;
} restd_instance_rec_t;
"""

FUNCTIONS += """
struct xlist *restd_instances_get(void *db_conn, struct xlist *cluster_list,
                                  struct xlist *extra_list, struct xlist *format_list,
                                  struct xlist *instance_id_list,
                                  struct xlist *instance_type_list, char *node_list,
                                  time_t time_start, time_t time_end);
"""

CUSTOMIZATIONS += """
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
static const long HAS_INSTANCES = 1;
typedef slurmdb_instance_rec_t restd_instance_rec_t;
static struct xlist *restd_instances_get(void *db_conn, struct xlist *cluster_list,
                                         struct xlist *extra_list, struct xlist *format_list,
                                         struct xlist *instance_id_list,
                                         struct xlist *instance_type_list, char *node_list,
                                         time_t time_start, time_t time_end)
{
    slurmdb_instance_cond_t cond;

    memset(&cond, 0, sizeof(cond));
    cond.cluster_list = cluster_list;
    cond.extra_list = extra_list;
    cond.format_list = format_list;
    cond.instance_id_list = instance_id_list;
    cond.instance_type_list = instance_type_list;
    cond.node_list = node_list;
    cond.time_start = time_start;
    cond.time_end = time_end;
    return slurmdb_instances_get(db_conn, &cond);
}
#else
static const long HAS_INSTANCES = 0;
typedef struct {
    char *cluster;
    char *extra;
    char *instance_id;
    char *instance_type;
    char *node_name;
    time_t time_end;
    time_t time_start;
} restd_instance_rec_t;
static struct xlist *restd_instances_get(void *db_conn, struct xlist *cluster_list,
                                         struct xlist *extra_list, struct xlist *format_list,
                                         struct xlist *instance_id_list,
                                         struct xlist *instance_type_list, char *node_list,
                                         time_t time_start, time_t time_end)
{
    errno = ESLURM_NOT_SUPPORTED;
    return NULL;
}
#endif
"""


# --- slurmdbd ping (GET slurmdb ping): slurmdb_ping_all() came with 24.05 -------------------
# restd_slurmdb_ping_all() fills up to ``size`` restd_slurmdbd_ping_t, primary first, as
# slurmdb_ping_all() answers (the backup is pinged only when the primary did not answer),
# and returns how many; -1 when slurm.conf names no AccountingStorageHost (errno 0) or
# this Slurm cannot ping (errno ESLURM_NOT_SUPPORTED).
# Before 24.05 it does what slurmdb_ping() does: open a persistent connection to the host
# (REQUEST_PERSIST_INIT, the user's credential) and close it, timed. That takes libslurm's
# internal slurm_persist_conn_t, declared below with its 22.05 and 23.02 layout (the same
# in both; checked against src/common/slurm_persist_conn.h of slurm-22-05-8-1 and
# slurm-23-02-7-1); 23.11 changed it and has no slurmdb_ping_all(): ESLURM_NOT_SUPPORTED.

TYPES += """
typedef struct {
    char *hostname;
    bool responding;
    long latency;  /* microseconds to the answer, or to the failure */
    int offset;    /* 0: primary, 1: backup */
    int rc;        /* the ping's status code (slurmdbd_ping_t.rc of 26.05) */
} restd_slurmdbd_ping_t;
"""

FUNCTIONS += """
int restd_slurmdb_ping_all(restd_slurmdbd_ping_t *pings, int size);
"""

HEADER_FLAGS = {
    "HAS_SLURMDB_PING_ALL": r"\bslurmdbd_ping_t\s*\*\s*slurmdb_ping_all\s*\(",
}

CUSTOMIZATIONS += """
#include <pthread.h>
#include <sys/time.h>

typedef struct {
    char *hostname;
    bool responding;
    long latency;
    int offset;
    int rc;
} restd_slurmdbd_ping_t;

#if HAS_SLURMDB_PING_ALL
extern void slurm_xfree_ptr(void *ptr);  /* xmalloc.h (internal, exported) */

static int restd_slurmdb_ping_all(restd_slurmdbd_ping_t *pings, int size)
{
    slurmdbd_ping_t *all = slurmdb_ping_all();
    int count = 0;

    if (!all) {  /* no AccountingStorageHost: slurmrestd answers SLURM_ERROR */
        errno = 0;
        return -1;
    }
    /* the array ends with an entry without hostname */
    for (; (count < size) && all[count].hostname; count++) {
        pings[count].hostname = all[count].hostname;  /* slurm_conf's: not freed */
        pings[count].responding = all[count].pinged;
        pings[count].latency = all[count].latency;
        pings[count].offset = all[count].offset;
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26,5,0)
        pings[count].rc = all[count].rc;
#else
        /* slurmdb_ping()'s code: the connection's (SLURM_ERROR when it failed) */
        pings[count].rc = all[count].pinged ? 0 : -1;
#endif
    }
    slurm_xfree_ptr(all);
    return count;
}
#elif SLURM_VERSION_NUMBER < SLURM_VERSION_NUM(23,11,0)
/* slurm_persist_conn_t of 22.05 and 23.02 (src/common/slurm_persist_conn.h) */
typedef struct {
    void *auth_cred;
    void *callback_proc;
    void *callback_fini;
    char *cluster_name;
    time_t comm_fail_time;
    uint16_t my_port;
    int fd;
    uint16_t flags;
    bool inited;
    int persist_type;       /* persist_conn_type_t */
    uid_t r_uid;
    char *rem_host;
    uint16_t rem_port;
    time_t *shutdown;
    pthread_t thread_id;
    int timeout;
    slurm_trigger_callbacks_t trigger_callbacks;
    uint16_t version;
} restd_persist_conn_t;

#define RESTD_PERSIST_FLAG_DBD 0x0001
#define RESTD_PERSIST_FLAG_SUPPRESS_ERR 0x0010
#define RESTD_PERSIST_TYPE_DBD 1
#define RESTD_AUTH_UID_ANY ((uid_t) -1)
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,2,0)
#define RESTD_PROTOCOL_VERSION ((39 << 8) | 0)   /* SLURM_23_02_PROTOCOL_VERSION */
#else
#define RESTD_PROTOCOL_VERSION ((38 << 8) | 0)   /* SLURM_22_05_PROTOCOL_VERSION */
#endif

/* internal, exported by libslurmfull */
extern void *slurm_xcalloc(size_t count, size_t size, bool clear, bool try,
                           const char *file, int line, const char *func);
extern char *slurm_xstrdup(const char *str);
extern int slurm_persist_conn_open(void *persist_conn);
extern void slurm_persist_conn_destroy(void *persist_conn);

/* slurmdb_ping() of 24.05: a persistent connection to slurmdbd opened and closed */
static void restd_ping_slurmdbd(restd_slurmdbd_ping_t *ping, char *host, int offset)
{
    struct timeval start, end;
    restd_persist_conn_t *conn = slurm_xcalloc(1, sizeof(*conn), true, false,
                                               __FILE__, __LINE__, __func__);
    int rc;

    conn->cluster_name = slurm_xstrdup(slurm_conf.cluster_name);
    conn->flags = RESTD_PERSIST_FLAG_DBD | RESTD_PERSIST_FLAG_SUPPRESS_ERR;
    conn->persist_type = RESTD_PERSIST_TYPE_DBD;
    conn->r_uid = RESTD_AUTH_UID_ANY;
    conn->rem_host = slurm_xstrdup(host);
    conn->rem_port = slurm_conf.accounting_storage_port;
    conn->timeout = slurm_conf.msg_timeout * 1000;
    conn->version = RESTD_PROTOCOL_VERSION;
    conn->fd = -1;

    gettimeofday(&start, NULL);
    rc = slurm_persist_conn_open(conn);
    gettimeofday(&end, NULL);
    slurm_persist_conn_destroy(conn);

    ping->hostname = host;
    ping->responding = (rc == 0);
    ping->latency = (end.tv_sec - start.tv_sec) * 1000000L + (end.tv_usec - start.tv_usec);
    ping->offset = offset;
    ping->rc = rc;
}

static int restd_slurmdb_ping_all(restd_slurmdbd_ping_t *pings, int size)
{
    if (!slurm_conf.accounting_storage_host) {
        errno = 0;
        return -1;
    }
    if (size < 1)
        return 0;
    restd_ping_slurmdbd(&pings[0], slurm_conf.accounting_storage_host, 0);
    /* as slurmdb_ping_all(): the backup only when the primary did not answer */
    if (pings[0].responding || !slurm_conf.accounting_storage_backup_host || (size < 2))
        return 1;
    restd_ping_slurmdbd(&pings[1], slurm_conf.accounting_storage_backup_host, 1);
    return 2;
}
#else
static int restd_slurmdb_ping_all(restd_slurmdbd_ping_t *pings, int size)
{
    errno = ESLURM_NOT_SUPPORTED;
    return -1;
}
#endif
"""
