#include "proxy/nft_runner.h"

#include <chrono>
#include <vector>

#include "common/subprocess.h"

namespace berth::proxy {

namespace {

class ExecNftRunner final : public NftRunner {
 public:
  explicit ExecNftRunner(std::string netns) : netns_(std::move(netns)) {}

  Status Run(const std::string& script) override {
    std::vector<std::string> argv;
    if (!netns_.empty()) argv = {"nsenter", "--net=/run/netns/" + netns_};
    argv.insert(argv.end(), {"nft", "-f", "-"});
    SubprocessOptions so;
    so.stdin_data = script;
    so.timeout = std::chrono::seconds(60);
    StatusOr<SubprocessResult> r = RunSubprocess(argv, so);
    if (!r.ok()) return r.status();
    if (r->timed_out) return InternalError("nft: timed out");
    if (r->exit_code != 0) {
      std::string err = r->err.size() > 4000 ? r->err.substr(0, 4000) + "..." : r->err;
      return InternalError("nft: exit " + std::to_string(r->exit_code) + ": " + err);
    }
    return Status::Ok();
  }

 private:
  std::string netns_;
};

}  // namespace

std::unique_ptr<NftRunner> NewNftRunner(std::string netns) {
  return std::make_unique<ExecNftRunner>(std::move(netns));
}

}  // namespace berth::proxy
