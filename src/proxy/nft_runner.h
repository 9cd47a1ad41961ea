// NftRunner: applies an nft script as one transaction (`nft -f -`). The seam between the proxy's
// rendering and the kernel: tests record scripts with a fake, production runs the real `nft`.
//
// Errors: InternalError carrying nft's stderr when the script is refused (nothing was applied:
// nft commits all or nothing) or nft could not be run; a run is bounded to 60 s.
// Thread-safety: Run may be called from any thread; calls are independent.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace berth::proxy {

class NftRunner {
 public:
  virtual ~NftRunner() = default;
  virtual Status Run(const std::string& script) = 0;
};

// `nft -f -`, inside the network namespace /run/netns/<netns> when `netns` is not empty.
std::unique_ptr<NftRunner> NewNftRunner(std::string netns = "");

}  // namespace berth::proxy
