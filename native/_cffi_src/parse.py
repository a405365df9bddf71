"""Internal src/common/parse_time.h and the state/reason name lookups of
src/common/slurm_protocol_defs.h: how sacct reads its -S/-E/-s/-r options.

No installed header declares these; libslurmfull exports them under the
``slurm_`` names (``nm -D libslurmfull.so | grep -e parse_time -e _num``),
the reason lookup as job_reason_num() before 24.05 and job_state_reason_num()
since.  ``slurm_parse_time()``
answers 0 for a string it does not understand; the two lookups answer NO_VAL.
"""

INCLUDES = """
#include <time.h>
"""

TYPES = """
"""

FUNCTIONS = """
time_t slurm_parse_time(const char *time_str, int past);
uint32_t slurm_job_state_num(const char *state_name);
uint32_t restd_job_reason_num(const char *reason);
"""

CUSTOMIZATIONS = """
extern time_t slurm_parse_time(const char *time_str, int past);
extern uint32_t slurm_job_state_num(const char *state_name);
/* The reason lookup was renamed job_state_reason_num() in 24.05; a wrapper
 * keeps the name, the enum and the missing const out of the declarations. */
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(24,5,0)
extern int slurm_job_state_reason_num(char *reason);
#define RESTD_JOB_REASON_NUM slurm_job_state_reason_num
#else
extern int slurm_job_reason_num(char *reason);
#define RESTD_JOB_REASON_NUM slurm_job_reason_num
#endif
static uint32_t restd_job_reason_num(const char *reason)
{
    return (uint32_t) RESTD_JOB_REASON_NUM((char *) reason);
}
"""
