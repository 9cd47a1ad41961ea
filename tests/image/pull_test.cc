// Pulls from a real registry (Debian's docker-registry) on 127.0.0.1, fed by skopeo.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "image/http_client.h"
#include "image/image_store.h"
#include "image_test_support.h"

extern char** environ;

namespace berth::image {
namespace {

namespace fs = std::filesystem;
using testing::ReadWholeFile;
using testing::RunOk;
using testing::ScratchDir;
using testing::WriteFile;

constexpr char kRegistryBinary[] = "/usr/bin/docker-registry";

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class PullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kRegistryBinary, X_OK) != 0) GTEST_SKIP() << kRegistryBinary << " not installed";
    if (access("/usr/bin/skopeo", X_OK) != 0) GTEST_SKIP() << "skopeo not installed";
    image_tar_ = dir_ / "busybox.tar";
    ASSERT_TRUE(RunOk({testing::MakeTestImageScript(), image_tar_}));
    auto store = OpenImageStore(dir_ / "store");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status;
      waitpid(pid_, &status, 0);
    }
  }

  // Starts the registry (with htpasswd auth when `htpasswd` is non-empty) and waits until it
  // answers /v2/.
  void StartRegistry(const std::string& htpasswd = "") {
    port_ = FreePort();
    registry_ = "127.0.0.1:" + std::to_string(port_);
    std::string config = "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                         "    rootdirectory: " + (dir_ / "registry") + "\n"
                         "  delete:\n    enabled: true\n"
                         "http:\n  addr: " + registry_ + "\n";
    if (!htpasswd.empty()) {
      config += "auth:\n  htpasswd:\n    realm: berth-test\n    path: " + htpasswd + "\n";
    }
    WriteFile(dir_ / "registry.yml", config);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = dir_ / "registry.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string cfg = dir_ / "registry.yml";
    std::vector<char*> argv = {const_cast<char*>(kRegistryBinary), const_cast<char*>("serve"),
                               cfg.data(), nullptr};
    int rc = posix_spawn(&pid_, kRegistryBinary, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(rc, 0) << "spawning docker-registry failed";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (true) {
      auto resp = HttpFetch({"http://" + registry_ + "/v2/", {}}, {});
      if (resp.ok() && (resp->status == 200 || resp->status == 401)) return;
      int status;
      ASSERT_EQ(waitpid(pid_, &status, WNOHANG), 0)
          << "docker-registry exited: " << ReadWholeFile(log);
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "docker-registry did not come up: " << ReadWholeFile(log);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void Push(const std::string& repo_tag, const std::string& creds = "") {
    std::vector<std::string> argv = {"skopeo", "--insecure-policy", "copy", "--quiet",
                                     "--dest-tls-verify=false"};
    if (!creds.empty()) {
      argv.push_back("--dest-creds");
      argv.push_back(creds);
    }
    argv.push_back("oci-archive:" + image_tar_);
    argv.push_back("docker://" + registry_ + "/" + repo_tag);
    ASSERT_TRUE(RunOk(argv));
  }

  ScratchDir dir_;
  std::string image_tar_;
  std::string registry_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<ImageStore> store_;
};

TEST_F(PullTest, ByTagThenByDigest) {
  ASSERT_NO_FATAL_FAILURE(StartRegistry());
  ASSERT_NO_FATAL_FAILURE(Push("busybox:test"));
  PullOptions options;
  int64_t last_done = -1, last_total = -1;
  options.progress = [&](int64_t done, int64_t total) {
    last_done = done;
    last_total = total;
  };
  std::string ref = registry_ + "/busybox:test";
  auto img = store_->Pull(ref, options);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->reference, ref);
  EXPECT_GT(last_total, 0);
  EXPECT_EQ(last_done, last_total);
  EXPECT_EQ(img->size, last_total);
  ASSERT_EQ(img->layer_dirs.size(), 1u);
  EXPECT_EQ(ReadWholeFile(img->layer_dirs[0] + "/var/www/index.html"), "hello from berth\n");
  EXPECT_EQ(img->config.cmd, std::vector<std::string>{"sh"});
  ASSERT_EQ(img->repo_digest.rfind(registry_ + "/busybox@sha256:", 0), 0u) << img->repo_digest;

  // The same image as importing the archive directly.
  ScratchDir other;
  auto other_store = OpenImageStore(other.path());
  ASSERT_TRUE(other_store.ok());
  auto imported = (*other_store)->ImportArchive(image_tar_);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->front().id, img->id);

  auto by_digest = store_->Pull(img->repo_digest, {});
  ASSERT_TRUE(by_digest.ok()) << by_digest.status().ToString();
  EXPECT_EQ(by_digest->id, img->id);
  EXPECT_EQ(by_digest->reference, img->repo_digest);
  EXPECT_EQ(by_digest->layer_dirs, img->layer_dirs);
  auto resolved = store_->Resolve(img->repo_digest);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->tags.size(), 2u);
}

TEST_F(PullTest, UnknownManifestAndUnreachableRegistry) {
  ASSERT_NO_FATAL_FAILURE(StartRegistry());
  auto missing = store_->Pull(registry_ + "/busybox:nope", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().reason(), Reason::kNotFound);
  EXPECT_EQ(missing.status().message(), "manifest unknown: " + registry_ + "/busybox:nope");

  int closed_port = FreePort();
  auto unreachable = store_->Pull("127.0.0.1:" + std::to_string(closed_port) + "/x:1", {});
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().reason(), Reason::kInternalError);
  EXPECT_NE(unreachable.status().message().find("unreachable"), std::string::npos)
      << unreachable.status().message();
  EXPECT_TRUE(store_->List()->empty());
}

TEST_F(PullTest, ConcurrentPullsOfOneReference) {
  ASSERT_NO_FATAL_FAILURE(StartRegistry());
  ASSERT_NO_FATAL_FAILURE(Push("busybox:test"));
  std::string ref = registry_ + "/busybox:test";
  std::vector<StatusOr<Image>> results(4, StatusOr<Image>(InternalError("not run")));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = store_->Pull(ref, {}); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->id, results[0]->id);
  }
  size_t layers = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "store/layers")) ++layers;
  EXPECT_EQ(layers, 1u);
}

TEST_F(PullTest, CorruptLayerInRegistryIsRejected) {
  ASSERT_NO_FATAL_FAILURE(StartRegistry());
  ASSERT_NO_FATAL_FAILURE(Push("busybox:test"));
  // Overwrite the biggest blob (the layer) in the registry's storage.
  std::string victim;
  uintmax_t biggest = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "registry")) {
    if (e.is_regular_file() && e.path().filename() == "data" && e.file_size() > biggest) {
      biggest = e.file_size();
      victim = e.path().string();
    }
  }
  ASSERT_FALSE(victim.empty());
  std::string layer_digest = "sha256:" + fs::path(victim).parent_path().filename().string();
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5000);
    f.put('\x01');
  }
  auto img = store_->Pull(registry_ + "/busybox:test", {});
  ASSERT_FALSE(img.ok());
  EXPECT_EQ(img.status().reason(), Reason::kBadRequest);
  EXPECT_NE(img.status().message().find("layer " + layer_digest + " digest mismatch: got sha256:"),
            std::string::npos)
      << img.status().message();
  EXPECT_TRUE(store_->List()->empty());
}

TEST_F(PullTest, BasicAuthWithHtpasswd) {
  auto hash = RunChecked({"python3", "-W", "ignore", "-c",
                          "import crypt; print(crypt.crypt('s3cret', "
                          "crypt.mksalt(crypt.METHOD_BLOWFISH)))"});
  if (!hash.ok() || hash->rfind("$2", 0) != 0) GTEST_SKIP() << "no bcrypt available for htpasswd";
  std::string htpasswd = dir_ / "htpasswd";
  WriteFile(htpasswd, "berth:" + *hash);
  ASSERT_NO_FATAL_FAILURE(StartRegistry(htpasswd));
  ASSERT_NO_FATAL_FAILURE(Push("private/busybox:test", "berth:s3cret"));
  std::string ref = registry_ + "/private/busybox:test";

  auto anonymous = store_->Pull(ref, {});
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.status().reason(), Reason::kUnauthorized)
      << anonymous.status().ToString();

  PullOptions wrong;
  wrong.auth[registry_] = {"berth", "wrong"};
  EXPECT_EQ(store_->Pull(ref, wrong).status().reason(), Reason::kUnauthorized);

  PullOptions options;
  options.auth[registry_] = {"berth", "s3cret"};
  auto img = store_->Pull(ref, options);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(ReadWholeFile(img->layer_dirs.at(0) + "/var/www/index.html"), "hello from berth\n");
}

}  // namespace
}  // namespace berth::image
