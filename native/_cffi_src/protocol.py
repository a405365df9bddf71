"""Internal src/common/slurm_protocol_{api,defs}.h: fair-share (sshare) query,
and the free functions of responses whose free is not in slurm.h.

These headers are not installed, so the three message structs are declared here
with their ABI layout, which has been the same from 22.05 through 26.05 (26.05.3:
src/common/slurm_protocol_defs.h, the same text as 25.11.7).
``slurm_associations_get_shares()`` is exported by libslurmfull from 23.11 on and
``restd_associations_get_shares`` points to it. Before 23.11 it points to
``restd_shares_rpc()``, which does what sshare 22.05 does (src/sshare/sshare.c,
``_get_info``): REQUEST_SHARE_INFO to slurmctld with
``slurm_send_recv_controller_msg()``. That needs ``slurm_msg_t``, declared below
as ``restd_slurm_msg_t`` with its layout of 22.05.0 ... 23.02.x (23.11 added
``auth_gid`` and ``alias_addrs``); it is only used from C, never by cffi.
``HAS_ASSOCIATIONS_GET_SHARES`` is 1 from 22.05 on (0, pointer NULL, before).
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

# struct slurm_msg and forward_t (src/common/slurm_protocol_defs.h), the same from
# 22.05.0 through 23.02.x. Pointers to internal types are void *, an internal list
# is slurm.h's List. Checked member by member (offset, size, type) against Slurm's
# own headers of 22.05.8 and 23.02.7, and against libslurmfull 22.05.8's
# slurm_msg_t_init (memset size 376, auth_uid at 140, conn_fd at 176, msg_type at
# 200, forward at 208). Kept as separate strings so that a check can compile them
# next to the real header.
SLURM_MSG_22_05 = """
typedef struct {
    uint16_t cnt;
    uint16_t init;
    char *nodelist;
    uint32_t timeout;
    uint16_t tree_width;
} restd_forward_t;

typedef struct {
    slurm_addr_t address;
    void *auth_cred;
    int auth_index;
    uid_t auth_uid;
    bool auth_uid_set;
    uid_t restrict_uid;
    bool restrict_uid_set;
    uint32_t body_offset;
    void *buffer;                  /* buf_t * */
    void *conn;                    /* slurm_persist_conn_t * */
    int conn_fd;
    void *data;
    uint32_t data_size;
    uint16_t flags;
    uint8_t hash_index;
    uint16_t msg_type;             /* slurm_msg_type_t */
    uint16_t protocol_version;
    restd_forward_t forward;
    void *forward_struct;          /* forward_struct_t * */
    slurm_addr_t orig_addr;
    List ret_list;
} restd_slurm_msg_t;
"""

# slurm_msg_type_t values (enum in slurm_protocol_defs.h) and the libslurmfull
# calls on restd_slurm_msg_t; the enum parameters are its compatible type.
SLURM_MSG_22_05_CALLS = """
#define RESTD_REQUEST_SHARE_INFO 2022
#define RESTD_RESPONSE_SHARE_INFO 2023
#define RESTD_RESPONSE_SLURM_RC 8001

extern void slurm_msg_t_init(restd_slurm_msg_t *msg);
extern int slurm_send_recv_controller_msg(restd_slurm_msg_t *request_msg,
                                          restd_slurm_msg_t *response_msg,
                                          slurmdb_cluster_rec_t *comm_cluster_rec);
extern uint32_t slurm_get_return_code(unsigned int type, void *data);
extern int slurm_free_msg_data(unsigned int type, void *data);
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
#elif SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(22,5,0)
""" + SLURM_MSG_22_05 + SLURM_MSG_22_05_CALLS + """
/*
 * slurm_associations_get_shares() of 23.11, for 22.05 and 23.02, with
 * comm_cluster_rec NULL (this cluster, never the process-wide working_cluster_rec).
 * Returns SLURM_SUCCESS with *shares_resp set (freed by the caller with
 * slurm_free_shares_response_msg) or NULL, or SLURM_ERROR with errno set.
 * The request's data stays the caller's. When slurm_send_recv_controller_msg()
 * fails, resp_msg.data is not ours (after a standby retry it is already freed),
 * as in sshare; every answer it returns is freed here unless handed over.
 */
static int restd_shares_rpc(shares_request_msg_t *shares_req,
                            shares_response_msg_t **shares_resp)
{
    restd_slurm_msg_t req_msg;
    restd_slurm_msg_t resp_msg;
    int rc;

    *shares_resp = NULL;
    slurm_msg_t_init(&req_msg);
    slurm_msg_t_init(&resp_msg);
    req_msg.msg_type = RESTD_REQUEST_SHARE_INFO;
    req_msg.data = shares_req;

    if (slurm_send_recv_controller_msg(&req_msg, &resp_msg, NULL) < 0)
        return SLURM_ERROR;

    switch (resp_msg.msg_type) {
    case RESTD_RESPONSE_SHARE_INFO:
        *shares_resp = (shares_response_msg_t *) resp_msg.data;
        return SLURM_SUCCESS;
    case RESTD_RESPONSE_SLURM_RC:
        rc = (int) slurm_get_return_code(resp_msg.msg_type, resp_msg.data);
        break;
    default:
        rc = SLURM_UNEXPECTED_MSG_ERROR;
        break;
    }
    slurm_free_msg_data(resp_msg.msg_type, resp_msg.data);
    if (rc == SLURM_SUCCESS)
        return SLURM_SUCCESS;
    restd_set_errno(rc);
    return SLURM_ERROR;
}

static const long HAS_ASSOCIATIONS_GET_SHARES = 1;
int (*restd_associations_get_shares)(shares_request_msg_t *,
                                     shares_response_msg_t **) = restd_shares_rpc;
#else
static const long HAS_ASSOCIATIONS_GET_SHARES = 0;
int (*restd_associations_get_shares)(shares_request_msg_t *,
                                     shares_response_msg_t **) = NULL;
#endif
"""
