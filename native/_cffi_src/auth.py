"""Internal src/common/slurm_auth.h (22.05) / src/interfaces/auth.h (23.02+).

No installed header declares these; libslurmfull exports them (check with
``nm -D libslurmfull.so | grep auth_g_thread``).  With ``SLURM_JWT=daemon`` in
the environment when libslurm initialises its auth plugin, a token set with
``auth_g_thread_config()`` is sent with every RPC the *calling thread* makes,
until ``auth_g_thread_clear()``.
"""

INCLUDES = """
"""

TYPES = """
"""

FUNCTIONS = """
int auth_g_thread_config(const char *token, const char *username);
void auth_g_thread_clear(void);
"""

CUSTOMIZATIONS = """
extern int auth_g_thread_config(const char *token, const char *username);
extern void auth_g_thread_clear(void);
"""
