// Exec sessions of the runc runtime: `runc exec` with pipes (no tty), or a detached
// `runc exec --tty` whose pty master arrives over a console socket (tty), parented by
// `<shim> shim exec-wait` so its exit code can be collected.
// Thread-safety: a session is used by one caller at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace berth::runtime {

struct ExecTarget {
  std::string runc_binary;
  std::string runc_root;
  std::string shim_binary;
  std::string container_id;
  std::string scratch_dir;  // for the console socket and pid file
};

StatusOr<std::unique_ptr<ExecSession>> StartExecSession(const ExecTarget& target,
                                                        const ExecOptions& options);

// Receives one fd sent with SCM_RIGHTS on a connected unix socket; -1 on failure.
int ReceiveFd(int socket_fd);

}  // namespace berth::runtime
