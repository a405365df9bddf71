"""<slurm/slurm.h>: the public controller API (jobs, nodes, partitions, ...).

Only fields whose C type is the same in Slurm 22.05 through 24.11 are declared
in the partial structs below (besides the binding's own, the members the
data_parser v0.0.40 dumps and parses, read by restd.native.services).  A field whose type changed between versions is
read through a small accessor in CUSTOMIZATIONS instead (``restd_job_state_reason``,
``restd_part_flags``), which the C compiler resolves for the version at hand.
"""

INCLUDES = """
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <slurm/slurm_version.h>
#include <slurm/slurm.h>
"""

TYPES = """
typedef int... time_t;

static const long SLURM_VERSION_NUMBER_BUILT;
static const long HAS_DELETE_NODE;
static const long HAS_CREATE_NODE;
static const long RESTD_NODE_ALLOC_TRES_OWNED;

#define NO_VAL ...
#define NO_VAL16 ...
#define NO_VAL64 ...
#define INFINITE ...
#define INFINITE16 ...
#define INFINITE64 ...

#define MAX_JOB_ID ...
#define SLURM_PENDING_STEP ...
#define SLURM_EXTERN_CONT ...
#define SLURM_BATCH_SCRIPT ...
#define SLURM_INTERACTIVE_STEP ...

#define PREEMPT_MODE_OFF ...
#define PREEMPT_MODE_SUSPEND ...
#define PREEMPT_MODE_REQUEUE ...
#define PREEMPT_MODE_CANCEL ...
#define PREEMPT_MODE_GANG ...

#define SHOW_ALL ...
#define SHOW_DETAIL ...
#define PRIVATE_DATA_JOBS ...
#define PRIVATE_DATA_NODES ...
#define PRIVATE_DATA_PARTITIONS ...
#define PRIVATE_DATA_RESERVATIONS ...
#define SHOW_MIXED ...
#define SHOW_LOCAL ...
#define SHOW_SIBLING ...
#define SHOW_FEDERATION ...
#define SHOW_FUTURE ...

#define KILL_JOB_BATCH ...
#define KILL_FULL_JOB ...
#define KILL_FED_REQUEUE ...
#define KILL_HURRY ...
#define KILL_OOM ...
#define KILL_NO_SIBS ...
#define KILL_JOB_RESV ...

enum job_states {
    JOB_PENDING,
    JOB_RUNNING,
    JOB_SUSPENDED,
    JOB_COMPLETE,
    JOB_CANCELLED,
    JOB_FAILED,
    JOB_TIMEOUT,
    JOB_NODE_FAIL,
    JOB_PREEMPTED,
    JOB_BOOT_FAIL,
    JOB_DEADLINE,
    JOB_OOM,
    JOB_END,
    ...
};
#define JOB_STATE_BASE ...
#define JOB_STATE_FLAGS ...
#define JOB_COMPLETING ...
#define JOB_CONFIGURING ...
#define JOB_REQUEUE ...
#define JOB_RESIZING ...

enum node_states {
    NODE_STATE_UNKNOWN,
    NODE_STATE_DOWN,
    NODE_STATE_IDLE,
    NODE_STATE_ALLOCATED,
    NODE_STATE_ERROR,
    NODE_STATE_MIXED,
    NODE_STATE_FUTURE,
    NODE_STATE_END,
    ...
};
#define NODE_STATE_BASE ...
#define NODE_STATE_FLAGS ...
#define NODE_STATE_DRAIN ...
#define NODE_RESUME ...
#define NODE_STATE_UNDRAIN ...

/* opaque list from libslurm (List in 22.05, list_t in 23.x+) */
struct xlist;
struct listIterator;

/* the controller configuration global (see FUNCTIONS: slurm_conf) */
typedef struct {
    char *cluster_name;
    uint32_t control_cnt;
    char **control_machine;
    char **control_addr;
    uint32_t slurmctld_port;
    char *accounting_storage_type;
    uint16_t select_type_param;
    uint16_t private_data;     /* PrivateData: PRIVATE_DATA_* bits */
    time_t last_update;        /* slurmctld's: when its configuration was read */
    ...;
} slurm_conf_t;

/* opaque or partial types the dumped structs point at */
typedef struct job_resources job_resources_t;
typedef int64_t bitstr_t;      /* slurm.h: unchanged 22.05 .. 24.11 */
typedef int64_t bitoff_t;
/* struct job_resources of src/common/job_resources.h (internal: opaque in slurm.h),
 * which libslurm unpacks into slurm_job_info_t.job_resrcs; restd_job_resources()
 * reads it through the layout of the release compiled against (CUSTOMIZATIONS) */
typedef struct {
    bitstr_t *core_bitmap;
    bitstr_t *core_bitmap_used;
    uint16_t *cpus;
    uint16_t *cpus_used;
    uint16_t *cores_per_socket;
    uint16_t cr_type;
    uint64_t *memory_allocated;
    uint64_t *memory_used;
    uint32_t nhosts;
    uint32_t node_req;
    char *nodes;
    uint32_t ncpus;
    uint32_t *sock_core_rep_count;
    uint16_t *sockets_per_node;
    uint16_t *tasks_per_node;
    uint16_t threads_per_core;
    uint8_t whole_node;
    ...;
} restd_job_resources_t;
typedef struct acct_gather_energy {
    uint32_t ave_watts;
    uint64_t base_consumed_energy;
    uint64_t consumed_energy;
    uint32_t current_watts;
    time_t poll_time;
    uint64_t previous_consumed_energy;
    ...;
} acct_gather_energy_t;
typedef struct resv_core_spec {
    char *node_name;
    char *core_id;
    ...;
} resv_core_spec_t;

typedef struct job_info {
    char *account;
    uint32_t array_job_id;
    uint32_t array_task_id;
    char *array_task_str;
    uint16_t batch_flag;
    char *batch_host;
    char *command;
    char *comment;
    uint16_t cpus_per_task;
    char *dependency;
    time_t eligible_time;
    time_t end_time;
    uint32_t exit_code;
    char *features;
    uint32_t group_id;
    uint32_t het_job_id;
    uint32_t het_job_offset;
    uint32_t job_id;
    uint32_t job_state;
    char *licenses;
    uint32_t max_nodes;
    char *name;
    char *nodes;
    uint32_t nice;
    uint32_t num_cpus;
    uint32_t num_nodes;
    uint32_t num_tasks;
    char *partition;
    uint64_t pn_min_memory;
    uint32_t priority;
    char *qos;
    char *req_nodes;
    uint16_t requeue;
    uint16_t restart_cnt;
    char *resv_name;
    time_t start_time;
    char *state_desc;
    char *std_err;
    char *std_in;
    char *std_out;
    time_t submit_time;
    time_t suspend_time;
    uint32_t time_limit;
    uint32_t time_min;
    char *tres_req_str;
    char *tres_alloc_str;
    uint32_t user_id;
    char *user_name;
    char *wckey;
    char *work_dir;
    time_t accrue_time;
    char *admin_comment;
    char *alloc_node;
    uint32_t array_max_tasks;
    uint32_t assoc_id;
    char *batch_features;
    double billable_tres;
    uint64_t bitflags;
    char *burst_buffer;
    char *burst_buffer_state;
    char *cluster;
    char *cluster_features;
    char *container;
    uint16_t contiguous;
    uint16_t core_spec;
    uint16_t cores_per_socket;
    uint32_t cpu_freq_gov;
    uint32_t cpu_freq_max;
    uint32_t cpu_freq_min;
    char *cpus_per_tres;
    char *cronspec;
    time_t deadline;
    uint32_t delay_boot;
    uint32_t derived_ec;
    char *exc_nodes;
    char *fed_origin_str;
    char *fed_siblings_active_str;
    char *fed_siblings_viable_str;
    uint32_t gres_detail_cnt;
    char **gres_detail_str;
    char *het_job_id_set;
    job_resources_t *job_resrcs;
    time_t last_sched_eval;
    uint16_t mail_type;
    char *mail_user;
    uint32_t max_cpus;
    char *mcs_label;
    char *mem_per_tres;
    char *network;
    uint16_t ntasks_per_board;
    uint16_t ntasks_per_core;
    uint16_t ntasks_per_node;
    uint16_t ntasks_per_socket;
    uint16_t ntasks_per_tres;
    uint16_t pn_min_cpus;
    uint32_t pn_min_tmp_disk;
    time_t pre_sus_time;
    time_t preempt_time;
    time_t preemptable_time;
    char *prefer;
    uint32_t profile;
    uint8_t reboot;
    uint32_t req_switch;
    time_t resize_time;
    char *sched_nodes;
    char *selinux_context;
    uint16_t shared;
    uint16_t sockets_per_board;
    uint16_t sockets_per_node;
    char *system_comment;
    uint16_t threads_per_core;
    char *tres_bind;
    char *tres_freq;
    char *tres_per_job;
    char *tres_per_node;
    char *tres_per_socket;
    char *tres_per_task;
    uint32_t wait4switch;
    char *container_id;  /* optional */
    char *extra;  /* optional */
    char *failed_node;  /* optional */
    char *job_size_str;  /* optional */
    char *licenses_allocated;  /* optional */
    uint16_t segment_size;  /* optional */
    char *submit_line;  /* optional */
    char *container_type;  /* optional */
    uint16_t mem_update_delay;  /* optional */
    uint16_t mem_update_margin;  /* optional */
    uint32_t *priority_array;  /* optional */
    char *priority_array_names;  /* optional */
    ...;
} slurm_job_info_t;

typedef struct job_info_msg {
    time_t last_backfill;
    time_t last_update;
    uint32_t record_count;
    slurm_job_info_t *job_array;
    ...;
} job_info_msg_t;

typedef struct job_descriptor {
    char *account;
    uint32_t argc;
    char **argv;
    char *array_inx;
    time_t begin_time;
    char *comment;
    uint16_t cpus_per_task;
    time_t deadline;
    char *dependency;
    char **environment;
    uint32_t env_size;
    char *exc_nodes;
    char *features;
    uint32_t group_id;
    uint32_t het_job_offset;
    char *job_id_str;
    char *licenses;
    uint16_t mail_type;
    char *mail_user;
    uint32_t max_nodes;
    uint32_t min_cpus;
    uint32_t min_nodes;
    char *name;
    uint32_t nice;
    uint16_t ntasks_per_node;
    uint32_t num_tasks;
    char *partition;
    uint64_t pn_min_memory;
    uint32_t priority;
    char *qos;
    char *req_nodes;
    uint16_t requeue;
    char *reservation;
    char *script;
    uint16_t shared;
    char *std_err;
    char *std_in;
    char *std_out;
    uint32_t time_limit;
    uint32_t time_min;
    char *tres_per_node;
    uint32_t user_id;
    char *wckey;
    char *work_dir;
    char *acctg_freq;
    char *admin_comment;
    char *alloc_node;
    uint16_t alloc_resp_port;
    char *batch_features;
    uint64_t bitflags;
    uint16_t boards_per_node;
    char *burst_buffer;
    char *cluster_features;
    char *clusters;
    char *container;
    uint16_t contiguous;
    uint16_t core_spec;
    uint16_t cores_per_socket;
    char *cpu_bind;
    uint16_t cpu_bind_type;
    char *cpus_per_tres;
    uint32_t delay_boot;
    time_t end_time;
    char *extra;
    uint16_t immediate;
    uint16_t kill_on_node_fail;
    uint32_t max_cpus;
    char *mcs_label;
    char *mem_bind;
    uint16_t mem_bind_type;
    char *mem_per_tres;
    char *network;
    uint16_t ntasks_per_board;
    uint16_t ntasks_per_core;
    uint16_t ntasks_per_socket;
    uint16_t ntasks_per_tres;
    uint8_t open_mode;
    uint16_t other_port;
    uint8_t overcommit;
    uint16_t plane_size;
    uint16_t pn_min_cpus;
    uint32_t pn_min_tmp_disk;
    char *prefer;
    uint32_t profile;
    uint16_t reboot;
    char *req_context;
    uint32_t req_switch;
    uint32_t site_factor;
    uint16_t sockets_per_board;
    uint16_t sockets_per_node;
    uint32_t task_dist;
    uint16_t threads_per_core;
    char *tres_bind;
    char *tres_freq;
    char *tres_per_job;
    char *tres_per_socket;
    char *tres_per_task;
    uint32_t wait4switch;
    uint16_t wait_all_nodes;
    uint16_t warn_flags;
    uint16_t warn_signal;
    uint16_t warn_time;
    uint16_t x11;
    char *x11_magic_cookie;
    char *x11_target;
    uint16_t x11_target_port;
    char **spank_job_env;
    uint32_t spank_job_env_size;
    uint32_t cpu_freq_min;
    uint32_t cpu_freq_max;
    uint32_t cpu_freq_gov;
    uint16_t oom_kill_step;  /* optional */
    uint16_t resv_port_cnt;  /* optional */
    uint16_t segment_size;  /* optional */
    char *container_type;  /* optional */
    uint16_t mem_update_delay;  /* optional */
    uint16_t mem_update_margin;  /* optional */
    ...;
} job_desc_msg_t;

/* slurm_update_job2()'s per task answer; err_msg (23.02+) through
 * restd_job_array_resp_err_msg() */
typedef struct {
    uint32_t job_array_count;
    char **job_array_id;
    uint32_t *error_code;
    ...;
} job_array_resp_msg_t;

/* job_id and step_id through restd_submit_response_job_id()/_step_id(): members
 * until 25.11, a slurm_step_id_t step_id from 26.05 on */
typedef struct submit_response_msg {
    uint32_t error_code;
    char *job_submit_user_msg;
    ...;
} submit_response_msg_t;

typedef struct node_info {
    char *arch;
    time_t boot_time;
    char *comment;
    uint16_t cores;
    uint16_t cpus;
    uint32_t cpu_load;
    char *extra;
    char *features;
    char *features_act;
    uint64_t free_mem;
    char *gres;
    char *gres_used;
    time_t last_busy;
    char *name;
    uint32_t next_state;
    char *node_addr;
    char *node_hostname;
    uint32_t node_state;
    char *os;
    uint32_t owner;
    char *partitions;
    uint16_t port;
    uint64_t real_memory;
    char *reason;
    time_t reason_time;
    uint32_t reason_uid;
    time_t slurmd_start_time;
    uint16_t sockets;
    uint16_t threads;
    uint32_t tmp_disk;
    uint32_t weight;
    char *tres_fmt_str;
    char *version;
    char *bcast_address;
    uint16_t boards;
    char *cluster_name;
    uint16_t core_spec_cnt;
    uint32_t cpu_bind;
    char *cpu_spec_list;
    uint16_t cpus_efctv;
    acct_gather_energy_t *energy;
    char *gres_drain;
    char *mcs_label;
    uint64_t mem_spec_limit;
    char *instance_id;  /* optional */
    char *instance_type;  /* optional */
    time_t resume_after;  /* optional */
    char *resv_name;  /* optional */
    char *gpu_spec;  /* optional */
    uint16_t res_cores_per_gpu;  /* optional */
    uint16_t cert_flags;  /* optional */
    time_t cert_last_renewal;  /* optional */
    char *topology_str;  /* optional */
    uint32_t suspend_time;  /* optional */
    ...;
} node_info_t;

typedef struct node_info_msg {
    time_t last_update;
    uint32_t record_count;
    node_info_t *node_array;
    ...;
} node_info_msg_t;

typedef struct {
    char *comment;
    char *extra;
    char *features;
    char *features_act;
    char *gres;
    char *node_names;
    uint32_t node_state;
    char *reason;
    uint32_t reason_uid;  /* optional */
    uint32_t weight;
    uint32_t cpu_bind;
    char *node_addr;
    char *node_hostname;
    char *topology_str;  /* optional */
    ...;
} update_node_msg_t;

typedef struct partition_info {
    char *allow_accounts;
    char *allow_groups;
    char *allow_qos;
    char *alternate;
    uint32_t default_time;
    uint32_t max_nodes;
    uint32_t max_time;
    uint32_t min_nodes;
    char *name;
    char *nodes;
    uint16_t priority_tier;
    char *qos_char;
    uint16_t state_up;
    uint32_t total_cpus;
    uint32_t total_nodes;
    char *tres_fmt_str;
    char *allow_alloc_nodes;
    char *billing_weights_str;
    char *cluster_name;
    uint32_t cpu_bind;
    uint64_t def_mem_per_cpu;
    char *deny_accounts;
    char *deny_qos;
    uint32_t grace_time;
    char *job_defaults_str;
    uint32_t max_cpus_per_node;
    uint64_t max_mem_per_cpu;
    uint16_t max_share;
    char *nodesets;
    uint16_t over_time_limit;
    uint16_t priority_job_factor;
    uint16_t resume_timeout;
    uint32_t suspend_time;
    uint16_t suspend_timeout;
    uint32_t max_cpus_per_socket;  /* optional */
    uint16_t cr_type;
    uint16_t preempt_mode;
    char *topology_name;  /* optional */
    ...;
} partition_info_t;

typedef struct partition_info_msg {
    time_t last_update;
    uint32_t record_count;
    partition_info_t *partition_array;
    ...;
} partition_info_msg_t;

typedef struct reserve_info {
    char *accounts;
    uint32_t core_cnt;
    time_t end_time;
    char *features;
    uint64_t flags;
    char *groups;
    char *licenses;
    char *name;
    uint32_t node_cnt;
    char *node_list;
    char *partition;
    time_t start_time;
    char *tres_str;
    char *users;
    char *burst_buffer;
    resv_core_spec_t *core_spec;
    uint32_t core_spec_cnt;
    uint32_t max_start_delay;
    uint32_t purge_comp_time;
    ...;
} reserve_info_t;

typedef struct reserve_info_msg {
    time_t last_update;
    uint32_t record_count;
    reserve_info_t *reservation_array;
    ...;
} reserve_info_msg_t;

typedef struct slurm_license_info {
    char *name;
    uint32_t total;
    uint32_t in_use;
    uint32_t available;
    uint8_t remote;
    uint32_t reserved;
    uint32_t last_consumed;  /* optional */
    uint32_t last_deficit;  /* optional */
    time_t last_update;  /* optional */
    char *nodes;  /* optional */
    ...;
} slurm_license_info_t;

typedef struct license_info_msg {
    time_t last_update;
    uint32_t num_lic;
    slurm_license_info_t *lic_array;
    ...;
} license_info_msg_t;

typedef struct {
    uint16_t command_id;
    ...;
} stats_info_request_msg_t;

#define STAT_COMMAND_RESET ...
#define STAT_COMMAND_GET ...

typedef struct {
    uint32_t parts_packed;  /* optional */
    time_t req_time;
    time_t req_time_start;
    uint32_t server_thread_count;
    uint32_t agent_queue_size;
    uint32_t agent_count;
    uint32_t agent_thread_count;
    uint32_t dbd_agent_queue_size;
    uint32_t gettimeofday_latency;
    uint32_t schedule_cycle_max;
    uint32_t schedule_cycle_last;
    uint32_t schedule_cycle_counter;
    uint32_t schedule_cycle_depth;
    uint32_t schedule_queue_len;
    uint32_t jobs_submitted;
    uint32_t jobs_started;
    uint32_t jobs_completed;
    uint32_t jobs_canceled;
    uint32_t jobs_failed;
    uint32_t jobs_pending;
    uint32_t jobs_running;
    time_t job_states_ts;
    uint32_t bf_backfilled_jobs;
    uint32_t bf_last_backfilled_jobs;
    uint32_t bf_backfilled_het_jobs;
    uint32_t bf_cycle_counter;
    uint64_t bf_cycle_sum;
    uint32_t bf_cycle_last;
    uint32_t bf_cycle_max;
    uint32_t bf_last_depth;
    uint32_t bf_last_depth_try;
    uint32_t bf_depth_sum;
    uint32_t bf_depth_try_sum;
    uint32_t bf_queue_len;
    uint32_t bf_queue_len_sum;
    uint32_t bf_table_size;
    uint32_t bf_table_size_sum;
    time_t bf_when_last_cycle;
    uint32_t bf_active;
    uint32_t rpc_type_size;
    uint16_t *rpc_type_id;
    uint32_t *rpc_type_cnt;
    uint64_t *rpc_type_time;
    uint32_t rpc_user_size;
    uint32_t *rpc_user_id;
    uint32_t *rpc_user_cnt;
    uint64_t *rpc_user_time;
    uint32_t *schedule_exit;  /* optional */
    uint32_t schedule_exit_cnt;  /* optional */
    uint32_t *bf_exit;  /* optional */
    uint32_t bf_exit_cnt;  /* optional */
    uint8_t rpc_queue_enabled;  /* optional */
    uint16_t *rpc_type_queued;  /* optional */
    uint64_t *rpc_type_dropped;  /* optional */
    uint16_t *rpc_type_cycle_last;  /* optional */
    uint16_t *rpc_type_cycle_max;  /* optional */
    uint32_t rpc_queue_type_count;
    uint32_t *rpc_queue_type_id;
    uint32_t *rpc_queue_count;
    uint32_t rpc_dump_count;
    uint32_t *rpc_dump_types;
    char **rpc_dump_hostlist;
    ...;
} stats_info_response_msg_t;

/* Members (type, member) some Slurm versions lack that C code reads or writes: each is a
 * HAS_<TYPE>_<MEMBER> constant, 1 when the installed header's struct has it
 * (build_libslurm.member_flags) */
#define HAS_NODE_INFO_SELECT_NODEINFO ...
#define HAS_NODE_INFO_ALLOC_TRES_WEIGHTED ...
#define HAS_UPDATE_NODE_MSG_REASON_UID ...
#define HAS_JOB_DESC_MSG_JOB_ID ...
#define HAS_SUBMIT_RESPONSE_MSG_JOB_ID ...
/* a declaration of the installed header: HEADER_FLAGS */
#define HAS_LOAD_JOB_BY_STEP_ID ...
"""

FUNCTIONS = """
extern slurm_conf_t slurm_conf;

/* slurm_init() is void in 22.05..24.11; the wrapper gives one signature */
int restd_slurm_init(const char *conf);
void slurm_fini(void);
long slurm_api_version(void);

int slurm_ping(int dest);
int slurm_reconfigure(void);

int slurm_load_jobs(time_t update_time, job_info_msg_t **job_info_msg_pptr,
                    uint16_t show_flags);
/* slurm_load_job() by job id (26.05 takes a slurm_step_id_t: HAS_LOAD_JOB_BY_STEP_ID) */
int restd_load_job(job_info_msg_t **resp, uint32_t job_id, uint16_t show_flags);
void slurm_free_job_info_msg(job_info_msg_t *job_buffer_ptr);
/* fields whose C type changed between versions */
uint32_t restd_job_state_reason(const slurm_job_info_t *job);
/* the job's SLUID (slurm_job_info_t.step_id.sluid, 25.11 on), 0 where Slurm has none */
uint64_t restd_job_info_sluid(const slurm_job_info_t *job);

void slurm_init_job_desc_msg(job_desc_msg_t *job_desc_msg);
int slurm_submit_batch_job(job_desc_msg_t *job_desc_msg,
                           submit_response_msg_t **slurm_alloc_msg);
int slurm_submit_batch_het_job(struct xlist *job_req_list,
                               submit_response_msg_t **slurm_alloc_msg);
void slurm_free_submit_response_response_msg(submit_response_msg_t *msg);
uint32_t restd_submit_response_job_id(const submit_response_msg_t *msg);
uint32_t restd_submit_response_step_id(const submit_response_msg_t *msg);
/* job_desc_msg_t.job_id, or step_id.job_id from 26.05 on */
void restd_job_desc_set_job_id(job_desc_msg_t *desc, uint32_t job_id);
uint32_t restd_job_desc_job_id(const job_desc_msg_t *desc);
int slurm_update_job(job_desc_msg_t *job_msg);
int slurm_update_job2(job_desc_msg_t *job_msg, job_array_resp_msg_t **resp);
void slurm_free_job_array_resp(job_array_resp_msg_t *resp);
/* err_msg[index], or NULL (always before 23.02, which has no err_msg) */
const char *restd_job_array_resp_err_msg(const job_array_resp_msg_t *resp, uint32_t index);
/* job_resrcs as the internal struct it is (NULL: no resources, e.g. pending) */
restd_job_resources_t *restd_job_resources(const slurm_job_info_t *job);
/* bitstring.h (internal, exported under these names 22.05 .. 24.11) */
int slurm_bit_test(bitstr_t *b, bitoff_t bit);
bitoff_t slurm_bit_size(bitstr_t *b);
int slurm_kill_job2(const char *job_id, uint16_t signal, uint16_t flags,
                    const char *sibling);

int slurm_load_node(time_t update_time, node_info_msg_t **resp,
                    uint16_t show_flags);
void slurm_free_node_info_msg(node_info_msg_t *node_buffer_ptr);
void slurm_init_update_node_msg(update_node_msg_t *update_node_msg);
int slurm_update_node(update_node_msg_t *node_msg);
/* NULL where HAS_CREATE_NODE / HAS_DELETE_NODE is 0 */
extern int (*restd_create_node)(update_node_msg_t *node_msg);
extern int (*restd_delete_node)(update_node_msg_t *node_msg);

int slurm_load_partitions(time_t update_time, partition_info_msg_t **part_buffer_ptr,
                          uint16_t show_flags);
void slurm_free_partition_info_msg(partition_info_msg_t *part_info_ptr);
uint32_t restd_part_flags(const partition_info_t *part);
void slurm_populate_node_partitions(node_info_msg_t *node_buffer_ptr,
                                    partition_info_msg_t *part_buffer_ptr);

/* what the data_parser's libslurm Services needs (restd.native.services) */
const char *restd_job_reason_string(uint32_t reason);
void slurm_get_job_stderr(char *buf, int buf_size, slurm_job_info_t *job_ptr);
void slurm_get_job_stdin(char *buf, int buf_size, slurm_job_info_t *job_ptr);
void slurm_get_job_stdout(char *buf, int buf_size, slurm_job_info_t *job_ptr);
int restd_node_alloc(node_info_t *node, uint16_t *cpus, uint64_t *memory,
                     char **tres_fmt, double *tres_weighted);
void slurm_xfree_ptr(void *ptr);
char *rpc_num2string(uint16_t msg_type);  /* internal, exported */

int slurm_load_reservations(time_t update_time, reserve_info_msg_t **resp);
void slurm_free_reservation_info_msg(reserve_info_msg_t *resv_info_ptr);

int slurm_load_licenses(time_t, license_info_msg_t **, uint16_t);
int slurm_load_ctl_conf(time_t update_time, slurm_conf_t **slurm_ctl_conf_ptr);
/* slurm_free_ctl_conf(), renamed slurm_free_conf() in 26.05 */
void restd_free_ctl_conf(slurm_conf_t *slurm_ctl_conf_ptr);
void slurm_free_license_info_msg(license_info_msg_t *);

int slurm_get_statistics(stats_info_response_msg_t **buf,
                         stats_info_request_msg_t *req);
/* uint32_t until 25.11, uint64_t from 26.05 on */
uint64_t restd_stats_schedule_cycle_sum(const stats_info_response_msg_t *stats);

/* lists (List / list_t *): append's return type differs between versions */
struct xlist *slurm_list_create(void (*f)(void *));
int restd_list_append(struct xlist *l, void *x);
int slurm_list_count(struct xlist *l);
void slurm_list_destroy(struct xlist *l);
struct listIterator *slurm_list_iterator_create(struct xlist *l);
void *slurm_list_next(struct listIterator *i);
void slurm_list_iterator_destroy(struct listIterator *i);
"""

MEMBER_FLAGS = (
    ("slurm_job_info_t", "step_id"),   # 25.11 on (the fast path's JOB_INFO step_id)
    ("slurm_step_id_t", "sluid"),      # 25.11 on
    ("node_info_t", "select_nodeinfo"),
    ("node_info_t", "alloc_tres_weighted"),
    ("update_node_msg_t", "reason_uid"),
    ("job_desc_msg_t", "job_id"),
    ("submit_response_msg_t", "job_id"),
)

# Flags for what a declaration in the installed header says (name -> pattern found in
# slurm.h/slurmdb.h, comments left out), as MEMBER_FLAGS are for struct members.
HEADER_FLAGS = {
    "HAS_LOAD_JOB_BY_STEP_ID": r"\bint\s+slurm_load_job\s*\([^;]*slurm_step_id_t",
}

CUSTOMIZATIONS = """
/* slurm_free_ctl_conf() became slurm_free_conf() in 26.05 */
static void restd_free_ctl_conf(slurm_conf_t *conf)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26,5,0)
    slurm_free_conf(conf);
#else
    slurm_free_ctl_conf(conf);
#endif
}

extern slurm_conf_t slurm_conf;

static const long SLURM_VERSION_NUMBER_BUILT = SLURM_VERSION_NUMBER;

static int restd_slurm_init(const char *conf)
{
    slurm_init(conf);
    return 0;
}

static uint32_t restd_job_state_reason(const slurm_job_info_t *job)
{
    return (uint32_t) job->state_reason;   /* uint16_t in 22.05, uint32_t later */
}

static uint64_t restd_job_info_sluid(const slurm_job_info_t *job)
{
#if HAS_SLURM_JOB_INFO_STEP_ID && HAS_SLURM_STEP_ID_SLUID
    return (uint64_t) job->step_id.sluid;
#else
    (void) job;
    return 0;
#endif
}

static uint32_t restd_part_flags(const partition_info_t *part)
{
    return (uint32_t) part->flags;         /* uint16_t in 22.05, uint32_t later */
}

static uint64_t restd_stats_schedule_cycle_sum(const stats_info_response_msg_t *stats)
{
    return (uint64_t) stats->schedule_cycle_sum;
}

static int restd_load_job(job_info_msg_t **resp, uint32_t job_id, uint16_t show_flags)
{
#if HAS_LOAD_JOB_BY_STEP_ID
    slurm_step_id_t step_id = SLURM_STEP_ID_INITIALIZER;
    step_id.job_id = job_id;
    return slurm_load_job(resp, step_id, show_flags);
#else
    return slurm_load_job(resp, job_id, show_flags);
#endif
}

static uint32_t restd_submit_response_job_id(const submit_response_msg_t *msg)
{
#if HAS_SUBMIT_RESPONSE_MSG_JOB_ID
    return msg->job_id;
#else
    return msg->step_id.job_id;
#endif
}

static uint32_t restd_submit_response_step_id(const submit_response_msg_t *msg)
{
#if HAS_SUBMIT_RESPONSE_MSG_JOB_ID
    return msg->step_id;
#else
    return msg->step_id.step_id;
#endif
}

static void restd_job_desc_set_job_id(job_desc_msg_t *desc, uint32_t job_id)
{
#if HAS_JOB_DESC_MSG_JOB_ID
    desc->job_id = job_id;
#else
    desc->step_id.job_id = job_id;
#endif
}

static uint32_t restd_job_desc_job_id(const job_desc_msg_t *desc)
{
#if HAS_JOB_DESC_MSG_JOB_ID
    return desc->job_id;
#else
    return desc->step_id.job_id;
#endif
}

extern char *rpc_num2string(uint16_t msg_type);

/* bitstring.h is internal; slurm_bit_test/size are exported by every release (bit_test
 * itself is only a macro from 24.11 on) */
extern int slurm_bit_test(bitstr_t *b, bitoff_t bit);
extern bitoff_t slurm_bit_size(bitstr_t *b);

/*
 * struct job_resources, src/common/job_resources.h: one layout for 22.05 .. 24.05,
 * 24.11 added next_step_node_inx after memory_used (unchanged in 25.05 and 25.11),
 * 26.05 node_ranks after node_bitmap (26.05.0rc1 .. 26.05.3 checked). The struct is
 * internal (no installed header to test a member in): versions decide.
 * Members in Slurm's order, with Slurm's types: libslurm allocates and frees it.
 */
typedef struct {
    bitstr_t *core_bitmap;
    bitstr_t *core_bitmap_used;
    uint32_t cpu_array_cnt;
    uint16_t *cpu_array_value;
    uint32_t *cpu_array_reps;
    uint16_t *cpus;
    uint16_t *cpus_used;
    uint16_t *cores_per_socket;
    uint16_t cr_type;
    uint64_t *memory_allocated;
    uint64_t *memory_used;
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(24,11,0)
    uint32_t next_step_node_inx;
#endif
    uint32_t nhosts;
    bitstr_t *node_bitmap;
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26,5,0)
    uint32_t *node_ranks;
#endif
    uint32_t node_req;
    char *nodes;
    uint32_t ncpus;
    uint32_t *sock_core_rep_count;
    uint16_t *sockets_per_node;
    uint16_t *tasks_per_node;
    uint16_t threads_per_core;
    uint8_t whole_node;
} restd_job_resources_t;

static restd_job_resources_t *restd_job_resources(const slurm_job_info_t *job)
{
    return (restd_job_resources_t *) job->job_resrcs;
}

static const char *restd_job_array_resp_err_msg(const job_array_resp_msg_t *resp,
                                                uint32_t index)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,2,0)
    return (resp->err_msg && index < resp->job_array_count) ? resp->err_msg[index] : NULL;
#else
    (void) resp;
    (void) index;
    return NULL;
#endif
}

/* job_reason_string() is internal (slurm_protocol_defs.h); renamed in 23.02 */
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,2,0)
extern char *job_state_reason_string(enum job_state_reason inx);
static const char *restd_job_reason_string(uint32_t reason)
{
    return job_state_reason_string((enum job_state_reason) reason);
}
#else
extern char *job_reason_string(enum job_state_reason inx);
static const char *restd_job_reason_string(uint32_t reason)
{
    return job_reason_string((enum job_state_reason) reason);
}
#endif

/* node_info_t.select_nodeinfo went away in 25.05 (still there in 24.11): the TRES
 * string read through it is a copy */
static const long RESTD_NODE_ALLOC_TRES_OWNED = HAS_NODE_INFO_SELECT_NODEINFO;

/* allocated CPUs/memory/TRES of a node: select_nodeinfo before 25.05,
 * node_info_t members after; tres_fmt must be freed (slurm_xfree_ptr) when
 * RESTD_NODE_ALLOC_TRES_OWNED. The weighted TRES left node_info_t in 26.05: 0, what
 * slurmrestd 26.05 dumps for a removed number (data_parser _dump_removed()) */
static int restd_node_alloc(node_info_t *node, uint16_t *cpus, uint64_t *memory,
                            char **tres_fmt, double *tres_weighted)
{
#if !HAS_NODE_INFO_SELECT_NODEINFO
    *cpus = node->alloc_cpus;
    *memory = node->alloc_memory;
    *tres_fmt = node->alloc_tres_fmt_str;  /* owned by the node: not freed */
#if HAS_NODE_INFO_ALLOC_TRES_WEIGHTED
    *tres_weighted = node->alloc_tres_weighted;
#else
    *tres_weighted = 0.0;
#endif
    return 0;
#else
    uint64_t mem = 0;
    int rc = slurm_get_select_nodeinfo(node->select_nodeinfo, SELECT_NODEDATA_SUBCNT,
                                       NODE_STATE_ALLOCATED, cpus);
    rc |= slurm_get_select_nodeinfo(node->select_nodeinfo, SELECT_NODEDATA_MEM_ALLOC,
                                    NODE_STATE_ALLOCATED, &mem);
    *memory = mem;
    rc |= slurm_get_select_nodeinfo(node->select_nodeinfo,
                                    SELECT_NODEDATA_TRES_ALLOC_FMT_STR,
                                    NODE_STATE_ALLOCATED, tres_fmt);
    rc |= slurm_get_select_nodeinfo(node->select_nodeinfo,
                                    SELECT_NODEDATA_TRES_ALLOC_WEIGHTED,
                                    NODE_STATE_ALLOCATED, tres_weighted);
    return rc;
#endif
}

static int restd_list_append(struct xlist *l, void *x)
{
    slurm_list_append(l, x);               /* void * in 22.05, void later */
    return 0;
}

/* slurm_create_node()/slurm_delete_node() (dynamic nodes) arrived in 22.05 */
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(22,5,0)
static const long HAS_CREATE_NODE = 1;
static const long HAS_DELETE_NODE = 1;
int (*restd_create_node)(update_node_msg_t *) = slurm_create_node;
int (*restd_delete_node)(update_node_msg_t *) = slurm_delete_node;
#else
static const long HAS_CREATE_NODE = 0;
static const long HAS_DELETE_NODE = 0;
int (*restd_create_node)(update_node_msg_t *) = NULL;
int (*restd_delete_node)(update_node_msg_t *) = NULL;
#endif
"""


# --- job allocation (POST job/allocate) ----------------------------------------------------
# One job: slurm_allocate_resources(), a pending one followed by slurm_allocation_lookup()
# (restd.native.controller.allocate_job says why not the blocking call). A het job:
# slurm_allocate_het_job_blocking(). The allocation answer's job id is a member until
# 25.11 and step_id.job_id from 26.05 on (restd_alloc_response_job_id); 26.05 also changed
# the blocking call's signature and slurm_allocation_lookup()'s (a slurm_step_id_t): the
# wrappers take neither the pending callback nor an interrupt descriptor (-1: poll()
# ignores it).

TYPES += """
typedef struct resource_allocation_response_msg {
    uint32_t error_code;
    char *job_submit_user_msg;
    uint32_t node_cnt;
    char *node_list;
    ...;
} resource_allocation_response_msg_t;
"""

FUNCTIONS += """
/* the request, answered at once: granted (node_cnt > 0) or pending (node_cnt 0) */
int slurm_allocate_resources(job_desc_msg_t *job_desc_msg,
                             resource_allocation_response_msg_t **job_alloc_resp_msg);
/* a pending allocation's state: 0 once granted, ESLURM_JOB_PENDING while it pends */
int restd_allocation_lookup(uint32_t job_id, resource_allocation_response_msg_t **resp);
/* a list of resource_allocation_response_msg_t (freed with the list); NULL with errno
 * set when slurmctld refuses; blocks while the het job pends (timeout 0: until it is
 * granted, or the pending job ends) */
struct xlist *restd_allocate_het_job_blocking(struct xlist *job_req_list, time_t timeout);
void slurm_free_resource_allocation_response_msg(resource_allocation_response_msg_t *msg);
uint32_t restd_alloc_response_job_id(const resource_allocation_response_msg_t *msg);
"""

MEMBER_FLAGS += (
    ("resource_allocation_response_msg_t", "job_id"),
)

HEADER_FLAGS["HAS_ALLOCATE_INTERRUPT_FD"] = (
    r"slurm_allocate_het_job_blocking\s*\([^;]*interrupt_fd")
HEADER_FLAGS["HAS_ALLOCATION_LOOKUP_BY_STEP_ID"] = (
    r"\bint\s+slurm_allocation_lookup\s*\(\s*slurm_step_id_t")

CUSTOMIZATIONS += """
static struct xlist *restd_allocate_het_job_blocking(struct xlist *job_req_list,
                                                     time_t timeout)
{
#if HAS_ALLOCATE_INTERRUPT_FD
    return slurm_allocate_het_job_blocking(job_req_list, timeout, NULL, -1);
#else
    return slurm_allocate_het_job_blocking(job_req_list, timeout, NULL);
#endif
}

static int restd_allocation_lookup(uint32_t job_id,
                                   resource_allocation_response_msg_t **resp)
{
#if HAS_ALLOCATION_LOOKUP_BY_STEP_ID
    slurm_step_id_t step_id = SLURM_STEP_ID_INITIALIZER;
    step_id.job_id = job_id;
    return slurm_allocation_lookup(step_id, resp);
#else
    return slurm_allocation_lookup(job_id, resp);
#endif
}

static uint32_t restd_alloc_response_job_id(const resource_allocation_response_msg_t *msg)
{
#if HAS_RESOURCE_ALLOCATION_RESPONSE_MSG_JOB_ID
    return msg->job_id;
#else
    return msg->step_id.job_id;
#endif
}
"""


# --- partitions, reservations, requeue and resource layouts (the operations v0.0.43 to
# v0.0.45 add: POST partitions/, DELETE partition/{name}, POST reservation(s),
# GET job/{id}/requeue, POST jobs/requeue, GET resources/{job_id}) ----------------------
# update_part_msg_t is partition_info_t (declared above); its flags member is uint16_t in
# 22.05 and uint32_t later (restd_part_set_flags). resv_desc_msg_t's core_cnt and node_cnt
# were arrays ending with 0 (a set of job sizes) until 23.11, which made them counts:
# restd_resv_desc_set_counts() takes storage for the arrays. comment came with 23.11.
# slurm_get_resource_layout() came with 25.11 (HAS_GET_RESOURCE_LAYOUT).

TYPES += """
static const long HAS_GET_RESOURCE_LAYOUT;

#define JOB_REQUEUE_HOLD ...
#define JOB_SPECIAL_EXIT ...
#define JOB_RECONFIG_FAIL ...

typedef partition_info_t update_part_msg_t;

/* slurm_get_resource_layout()'s answer (src/common/slurm_protocol_defs.h of 25.11 and
 * 26.05, internal: the binding's copy in CUSTOMIZATIONS) */
typedef struct {
    char *name;
    char *type;
    uint64_t count;
    bitstr_t *index;
} restd_node_gres_layout_t;

typedef struct {
    char *node;
    uint64_t mem_alloc;
    uint16_t sockets_per_node;
    uint16_t cores_per_socket;
    char *core_bitmap;
    uint32_t channel;
    struct xlist *gres;  /* of restd_node_gres_layout_t */
} restd_node_resource_layout_t;

typedef struct {
    struct xlist *nodes;  /* of restd_node_resource_layout_t */
} restd_resource_layout_msg_t;

typedef struct delete_partition_msg {
    char *name;
    ...;
} delete_part_msg_t;

typedef struct reservation_name_msg {
    char *name;
    ...;
} reservation_name_msg_t;

typedef struct resv_desc_msg {
    char *accounts;
    char *burst_buffer;
    char *comment;  /* optional */
    uint32_t duration;
    time_t end_time;
    char *features;
    uint64_t flags;
    char *groups;
    char *licenses;
    uint32_t max_start_delay;
    char *name;
    char *node_list;
    char *partition;
    uint32_t purge_comp_time;
    time_t start_time;
    char *tres_str;
    char *users;
    ...;
} resv_desc_msg_t;
"""

FUNCTIONS += """
void slurm_init_part_desc_msg(update_part_msg_t *update_part_msg);
int slurm_create_partition(update_part_msg_t *part_msg);
int slurm_update_partition(update_part_msg_t *part_msg);
int slurm_delete_partition(delete_part_msg_t *part_msg);
/* 0, or -1 when this Slurm's flags member cannot hold them (uint16_t in 22.05) */
int restd_part_set_flags(partition_info_t *part, uint32_t flags);

void slurm_init_resv_desc_msg(resv_desc_msg_t *update_resv_msg);
/* slurm_create_reservation(): the new reservation's name copied into name (size bytes);
 * the return code, errno's when it fails */
int restd_create_reservation(resv_desc_msg_t *resv_msg, char *name, size_t size);
int slurm_update_reservation(resv_desc_msg_t *resv_msg);
int slurm_delete_reservation(reservation_name_msg_t *resv_msg);
/* core_cnt, node_cnt (NO_VAL: not given); storage: 4 uint32_t the arrays use before 23.11 */
void restd_resv_desc_set_counts(resv_desc_msg_t *msg, uint32_t core_cnt, uint32_t node_cnt,
                                uint32_t *storage);

int slurm_requeue2(char *job_id, uint32_t flags, job_array_resp_msg_t **resp);

/* slurm_get_resource_layout() of a job (fails with ESLURM_NOT_SUPPORTED before 25.11) */
int restd_get_resource_layout(uint32_t job_id, restd_resource_layout_msg_t **resp);
void restd_free_resource_layout_msg(restd_resource_layout_msg_t *msg);
"""

CUSTOMIZATIONS += """
static int restd_part_set_flags(partition_info_t *part, uint32_t flags)
{
    part->flags = flags;                   /* uint16_t in 22.05, uint32_t later */
    return ((uint32_t) part->flags == flags) ? 0 : -1;
}

/* slurm_create_reservation()'s answer is strdup()'d until 25.11 (free()), xstrdup()'d
 * from 26.05 on (xfree: slurm_xfree_ptr, exported but not in 26.05's slurm.h) */
extern void slurm_xfree_ptr(void *ptr);
static int restd_create_reservation(resv_desc_msg_t *resv_msg, char *name, size_t size)
{
    char *created = slurm_create_reservation(resv_msg);
    if (!created) {
        int rc = restd_get_errno();
        return rc ? rc : SLURM_ERROR;
    }
    snprintf(name, size, "%s", created);
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26,5,0)
    slurm_xfree_ptr(created);
#else
    free(created);
#endif
    return SLURM_SUCCESS;
}

static void restd_resv_desc_set_counts(resv_desc_msg_t *msg, uint32_t core_cnt,
                                       uint32_t node_cnt, uint32_t *storage)
{
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23,11,0)
    msg->core_cnt = core_cnt;
    msg->node_cnt = node_cnt;
    (void) storage;
#else
    /* a list of sizes ending with 0; NULL: not given */
    storage[0] = core_cnt; storage[1] = 0;
    storage[2] = node_cnt; storage[3] = 0;
    msg->core_cnt = (core_cnt == NO_VAL) ? NULL : &storage[0];
    msg->node_cnt = (node_cnt == NO_VAL) ? NULL : &storage[2];
#endif
}

/* node_gres_layout_t, node_resource_layout_t, resource_layout_msg_t as Slurm 25.11
 * and 26.05 lay them out (src/common/slurm_protocol_defs.h) */
typedef struct {
    char *name;
    char *type;
    uint64_t count;
    bitstr_t *index;
} restd_node_gres_layout_t;

typedef struct {
    char *node;
    uint64_t mem_alloc;
    uint16_t sockets_per_node;
    uint16_t cores_per_socket;
    char *core_bitmap;
    uint32_t channel;
    struct xlist *gres;
} restd_node_resource_layout_t;

typedef struct {
    struct xlist *nodes;
} restd_resource_layout_msg_t;

#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(25,11,0)
static const long HAS_GET_RESOURCE_LAYOUT = 1;
extern void slurm_free_resource_layout_msg(void *msg);  /* internal, exported */

static int restd_get_resource_layout(uint32_t job_id, restd_resource_layout_msg_t **resp)
{
    slurm_step_id_t step_id = SLURM_STEP_ID_INITIALIZER;
    step_id.job_id = job_id;
    return slurm_get_resource_layout(&step_id, (void **) resp);
}

static void restd_free_resource_layout_msg(restd_resource_layout_msg_t *msg)
{
    slurm_free_resource_layout_msg(msg);
}
#else
static const long HAS_GET_RESOURCE_LAYOUT = 0;

static int restd_get_resource_layout(uint32_t job_id, restd_resource_layout_msg_t **resp)
{
    (void) job_id;
    *resp = NULL;
    return ESLURM_NOT_SUPPORTED;
}

static void restd_free_resource_layout_msg(restd_resource_layout_msg_t *msg)
{
    (void) msg;
}
#endif
"""
