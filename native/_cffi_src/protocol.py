"""Internal src/common/slurm_protocol_{api,defs}.h: fair-share (sshare) query,
and the free functions of responses whose free is not in slurm.h.

These headers are not installed, so the three message structs are declared here
with their ABI layout, which has been the same from 22.05 through 25.11.
``slurm_associations_get_shares()`` is exported by libslurmfull from 23.11 on;
``HAS_ASSOCIATIONS_GET_SHARES`` is 0 (and the pointer NULL) before that.
``slurm_free_shares_response_msg()`` is exported by every supported version.
"""

INCLUDES = """
"""

TYPES = """
static const long HAS_ASSOCIATIONS_GET_SHARES;

typedef struct {
    uint32_t assoc_id;
    char *cluster;
    char *name;
    char *parent;
    char *partition;
    double shares_norm;
    uint32_t shares_raw;
    uint64_t *tres_run_secs;
    uint64_t *tres_grp_mins;
    double usage_efctv;
    double usage_norm;
    uint64_t usage_raw;
    long double *usage_tres_raw;
    double fs_factor;
    double level_fs;
    uint16_t user;
} assoc_shares_object_t;

typedef struct {
    struct xlist *acct_list;
    struct xlist *user_list;
} shares_request_msg_t;

typedef struct {
    struct xlist *assoc_shares_list;
    uint64_t tot_shares;
    uint32_t tres_cnt;
    char **tres_names;
} shares_response_msg_t;
"""

FUNCTIONS = """
void slurm_free_stats_response_msg(stats_info_response_msg_t *msg);
extern int (*restd_associations_get_shares)(shares_request_msg_t *shares_req,
                                     shares_response_msg_t **shares_resp);
void slurm_free_shares_response_msg(shares_response_msg_t *msg);
"""

CUSTOMIZATIONS = """
typedef struct {
    uint32_t assoc_id;
    char *cluster;
    char *name;
    char *parent;
    char *partition;
    double shares_norm;
    uint32_t shares_raw;
    uint64_t *tres_run_secs;
    uint64_t *tres_grp_mins;
    double usage_efctv;
    double usage_norm;
    uint64_t usage_raw;
    long double *usage_tres_raw;
    double fs_factor;
    double level_fs;
    uint16_t user;
} assoc_shares_object_t;

typedef struct {
    struct xlist *acct_list;
    struct xlist *user_list;
} shares_request_msg_t;

typedef struct {
    struct xlist *assoc_shares_list;
    uint64_t tot_shares;
    uint32_t tres_cnt;
    char **tres_names;
} shares_response_msg_t;

extern void slurm_free_shares_response_msg(shares_response_msg_t *msg);
extern void slurm_free_stats_response_msg(stats_info_response_msg_t *msg);

#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
extern int slurm_associations_get_shares(shares_request_msg_t *shares_req,
                                         shares_response_msg_t **shares_resp);
static const long HAS_ASSOCIATIONS_GET_SHARES = 1;
int (*restd_associations_get_shares)(shares_request_msg_t *,
                                     shares_response_msg_t **) =
    slurm_associations_get_shares;
#else
static const long HAS_ASSOCIATIONS_GET_SHARES = 0;
int (*restd_associations_get_shares)(shares_request_msg_t *,
                                     shares_response_msg_t **) = NULL;
#endif
"""
