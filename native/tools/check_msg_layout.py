"""Developer check (not run by CI: it needs Slurm's source): compile restd's
restd_slurm_msg_t (native/_cffi_src/protocol.py, the shipped text) next to Slurm's own
slurm_msg_t from src/common/slurm_protocol_defs.h, and assert member by member: same
offset, same size, same type (pointers: both pointers), same sizeof/alignof, message
type numbers equal to the enum, and the prototypes restd declares compatible with
Slurm's (redeclaration after the real header).

    git -C SLURM_CHECKOUT worktree add /tmp/slurm-22.05 slurm-22-05-8-1
    python3 native/tools/check_msg_layout.py /tmp/slurm-22.05 /usr/include

Run it when the 22.05-23.02 slurm_msg_t declaration in protocol.py changes, or to admit
another Slurm release to that range; it prints OK or the failed assertions.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from _cffi_src import protocol  # noqa: E402

src, slurm_inc = sys.argv[1], sys.argv[2]

members = [  # (ours, theirs, is_pointer_to_internal_type)
    ("address", "address", 0), ("auth_cred", "auth_cred", 0), ("auth_index", "auth_index", 0),
    ("auth_uid", "auth_uid", 0), ("auth_uid_set", "auth_uid_set", 0),
    ("restrict_uid", "restrict_uid", 0), ("restrict_uid_set", "restrict_uid_set", 0),
    ("body_offset", "body_offset", 0), ("buffer", "buffer", 1), ("conn", "conn", 1),
    ("conn_fd", "conn_fd", 0), ("data", "data", 0), ("data_size", "data_size", 0),
    ("flags", "flags", 0), ("hash_index", "hash_index", 0), ("msg_type", "msg_type", 0),
    ("protocol_version", "protocol_version", 0), ("forward", "forward", 2),
    ("forward_struct", "forward_struct", 1), ("orig_addr", "orig_addr", 0),
    ("ret_list", "ret_list", 0)]
fwd = ["cnt", "init", "nodelist", "timeout", "tree_width"]

lines = ['#include "config.h"',
         '#include "src/common/slurm_protocol_defs.h"',
         '#include "src/common/slurm_protocol_api.h"',
         '#include <stddef.h>',
         protocol.SLURM_MSG_22_05,
         "#define SAME_T(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))",
         "#define M(T, f) (((T *) 0)->f)"]
def same(ours_t, theirs_t, a, b, kind):
    out = [f"_Static_assert(offsetof({ours_t}, {a}) == offsetof({theirs_t}, {b}), \"offset {a}\");",
           f"_Static_assert(sizeof(M({ours_t}, {a})) == sizeof(M({theirs_t}, {b})), \"size {a}\");",
           f"_Static_assert(_Alignof(__typeof__(M({ours_t}, {a}))) == _Alignof(__typeof__(M({theirs_t}, {b}))), \"align {a}\");"]
    if kind == 0:
        out.append(f"_Static_assert(SAME_T(M({ours_t}, {a}), M({theirs_t}, {b})), \"type {a}\");")
    elif kind == 1:  # void * here, a pointer to an internal type there
        out.append(f"_Static_assert(__builtin_classify_type(M({theirs_t}, {b})) == 5 && SAME_T(M({ours_t}, {a}), void *), \"pointer {a}\");")
    return out
for a, b, kind in members:
    lines += same("restd_slurm_msg_t", "slurm_msg_t", a, b, kind)
for f in fwd:
    lines += same("restd_forward_t", "forward_t", f, f, 0)
lines += ['_Static_assert(sizeof(restd_slurm_msg_t) == sizeof(slurm_msg_t), "sizeof slurm_msg_t");',
          '_Static_assert(_Alignof(restd_slurm_msg_t) == _Alignof(slurm_msg_t), "alignof slurm_msg_t");',
          '_Static_assert(sizeof(restd_forward_t) == sizeof(forward_t), "sizeof forward_t");',
          # every member of the real struct is one of ours: sum of sizes + padding equal
          # is implied by the offsets; count check: the last member ends where ours does
          '_Static_assert(offsetof(slurm_msg_t, ret_list) + sizeof(List) == sizeof(slurm_msg_t), "ret_list last");',
          '_Static_assert(offsetof(forward_t, tree_width) + sizeof(uint16_t) + 2 == sizeof(forward_t), "tree_width last");',
          # the shares structs too
          '_Static_assert(sizeof(slurm_msg_type_t) == sizeof(unsigned int) && SAME_T((slurm_msg_type_t) 0, unsigned int), "enum type");']
# message numbers: the #defines against the enum
for name in ("REQUEST_SHARE_INFO", "RESPONSE_SHARE_INFO", "RESPONSE_SLURM_RC"):
    lines.append(f"_Static_assert(RESTD_{name}_VALUE == {name}, \"{name}\");")
calls = protocol.SLURM_MSG_22_05_CALLS.replace("#define RESTD_", "#define RESTD_").replace(
    "_INFO ", "_INFO_VALUE ").replace("_SLURM_RC ", "_SLURM_RC_VALUE ")
# the prototypes again, with Slurm's own slurm_msg_t: a mismatch is a conflicting-types error
head = "\n".join(lines[:5]) + "\n" + calls.split("extern", 1)[0]
proto = "#define restd_slurm_msg_t slurm_msg_t\nextern" + calls.split("extern", 1)[1] + "#undef restd_slurm_msg_t\n"
text = head + proto + "\n".join(lines[5:]) + "\n"
text = text.replace(protocol.SLURM_MSG_22_05, "")  # struct after the prototypes
text = text.replace("#undef restd_slurm_msg_t\n", "#undef restd_slurm_msg_t\n" + protocol.SLURM_MSG_22_05)
# shares structs of protocol.py against the real ones
cust = protocol.CUSTOMIZATIONS.split("extern void slurm_free_shares_response_msg")[0]
for tag in ("assoc_shares_object_t", "shares_request_msg_t", "shares_response_msg_t"):
    cust = cust.replace("} %s;" % tag, "} restd_check_%s;" % tag)
text += cust
for body, tag in re.findall(r"typedef struct \{(.*?)\} restd_check_(\w+);", cust, re.S):
    for field in re.findall(r"(\w+);", body):
        text += "\n".join(same("restd_check_" + tag, tag, field, field, 0)) + "\n"
    text += f'_Static_assert(sizeof(restd_check_{tag}) == sizeof({tag}), "sizeof {tag}");\n'
with tempfile.TemporaryDirectory() as work:
    with open(os.path.join(work, "config.h"), "w") as f:
        f.write("#define HAVE_CONFIG_H 1\n")
    with open(os.path.join(work, "check.c"), "w") as f:
        f.write(text)
    cmd = ["gcc", "-std=gnu11", "-fsyntax-only", "-Wall", "-Werror", "-I" + work,
           "-I" + src, "-I" + slurm_inc, os.path.join(work, "check.c")]
    print(" ".join(cmd))
    r = subprocess.run(cmd)
print("OK" if r.returncode == 0 else "FAILED", r.returncode)
sys.exit(r.returncode)
