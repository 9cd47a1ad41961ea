// Subprocess: run an external program (runc, ip, CNI plugins, nft) with an argv vector — never a
// shell string — and collect its output.
//
// Thread-safety: any thread may call Run concurrently. Children are spawned with posix_spawn
// (no code runs between fork and exec), with every fd except 0/1/2 closed in the child.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth {

struct SubprocessOptions {
  std::vector<std::string> env;          // "K=V"; empty = inherit the caller's environment
  std::string stdin_data;                // written to the child's stdin, then closed
  std::chrono::milliseconds timeout{0};  // 0 = none; on expiry the child gets SIGKILL
  // stdout/stderr go to /dev/null instead of being collected: for programs that hand their stdio
  // to a long-lived descendant (`runc run -d`), whose pipe would otherwise never reach EOF.
  bool discard_output = false;
};

struct SubprocessResult {
  int exit_code = -1;     // exit status, or 128 + signal number when killed by a signal
  bool timed_out = false;
  std::string out;        // stdout
  std::string err;        // stderr
};

// Runs argv[0] (looked up in PATH when it has no '/') and waits for it. Returns an error only when
// the program could not be started; a non-zero exit is a result, not an error.
StatusOr<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv,
                                         const SubprocessOptions& options = {});

// Convenience: runs and returns stdout, or InternalError("<argv0>: <stderr or exit code>") on a
// non-zero exit.
StatusOr<std::string> RunChecked(const std::vector<std::string>& argv,
                                 const SubprocessOptions& options = {});

}  // namespace berth
