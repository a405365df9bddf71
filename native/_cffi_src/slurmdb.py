"""<slurm/slurmdb.h>: accounting (slurmdbd) connection.

Only the connection handle for now; the accounting queries (users, accounts,
associations, QOS, ...) will be declared here as the endpoints that need them land.
"""

INCLUDES = """
#include <slurm/slurmdb.h>
"""

TYPES = """
"""

FUNCTIONS = """
void *slurmdb_connection_get(uint16_t *persist_conn_flags);
int slurmdb_connection_close(void **db_conn);
"""

CUSTOMIZATIONS = """
"""
