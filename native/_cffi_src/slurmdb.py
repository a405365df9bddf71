"""<slurm/slurmdb.h>: accounting (slurmdbd) connection, accounts, users,
associations, wckeys, clusters, QOS, TRES and slurmdbd statistics.

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
  ``restd_assoc_comment``, ``restd_assoc_lineage`` (NULL before).
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
    uint32_t lft;
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
    uint32_t rgt;
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

static const char *restd_accounting_storage_type(void)
{
    return slurm_conf.accounting_storage_type;
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
