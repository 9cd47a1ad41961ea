// Lets runtime_test act as the shim binary: when started as `runtime_test shim ...` (the runtime
// spawns /proc/self/exe as its shim), run the shim before gtest's main ever starts.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace {

struct ShimHook {
  ShimHook() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    size_t start = 0;
    for (size_t i = 0; i < all.size(); ++i)
      if (all[i] == '\0') {
        args.push_back(all.substr(start, i - start));
        start = i + 1;
      }
    if (args.size() < 2 || args[1] != "shim") return;
    std::vector<char*> argv;
    for (size_t i = 1; i < args.size(); ++i) argv.push_back(args[i].data());
    argv.push_back(nullptr);
    std::exit(berth::runtime::RunShim(static_cast<int>(argv.size() - 1), argv.data()));
  }
};

ShimHook hook;

}  // namespace
