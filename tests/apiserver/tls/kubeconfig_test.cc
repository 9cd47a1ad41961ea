#include "apiserver/tls/kubeconfig.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "apiserver/tls/atomic_file.h"
#include "temp_dir.h"

namespace berth::apiserver::tls {
namespace {

using testing::TempDir;

// Independent decoder, so the test does not trust Base64Encode to check itself.
std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (char c : in) {
    if (c == '=') break;
    size_t v = kAlphabet.find(c);
    if (v == std::string::npos) return "<invalid base64>";
    bits = (bits << 6) | static_cast<unsigned>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<char>((bits >> nbits) & 0xff));
    }
  }
  return out;
}

TEST(KubeconfigTest, Base64MatchesKnownVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(KubeconfigTest, RendersClusterUserAndCurrentContext) {
  TempDir dir;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(pki.ok());
  std::string text = RenderKubeconfig("https://127.0.0.1:6443", *pki);
  YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(doc["apiVersion"].as<std::string>(), "v1");
  EXPECT_EQ(doc["kind"].as<std::string>(), "Config");
  EXPECT_EQ(doc["current-context"].as<std::string>(), "berth");

  ASSERT_EQ(doc["clusters"].size(), 1u);
  YAML::Node cluster = doc["clusters"][0];
  EXPECT_EQ(cluster["name"].as<std::string>(), "berth");
  EXPECT_EQ(cluster["cluster"]["server"].as<std::string>(), "https://127.0.0.1:6443");
  EXPECT_EQ(Base64Decode(cluster["cluster"]["certificate-authority-data"].as<std::string>()),
            pki->ca_cert_pem);

  ASSERT_EQ(doc["users"].size(), 1u);
  YAML::Node user = doc["users"][0];
  EXPECT_EQ(Base64Decode(user["user"]["client-certificate-data"].as<std::string>()),
            pki->admin_cert_pem);
  EXPECT_EQ(Base64Decode(user["user"]["client-key-data"].as<std::string>()), pki->admin_key_pem);
  EXPECT_FALSE(user["user"]["token"]) << "token only on request";
  YAML::Node with_token = YAML::Load(RenderKubeconfig("https://127.0.0.1:6443", *pki, true));
  EXPECT_EQ(with_token["users"][0]["user"]["token"].as<std::string>(), pki->admin_token);
  EXPECT_TRUE(with_token["users"][0]["user"]["client-certificate-data"]);

  ASSERT_EQ(doc["contexts"].size(), 1u);
  YAML::Node context = doc["contexts"][0];
  EXPECT_EQ(context["name"].as<std::string>(), "berth");
  EXPECT_EQ(context["context"]["cluster"].as<std::string>(), "berth");
  EXPECT_EQ(context["context"]["user"].as<std::string>(), user["name"].as<std::string>());
}

TEST(KubeconfigTest, WritesFileWithMode0600CreatingFolders) {
  TempDir dir;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path() + "/data", {});
  ASSERT_TRUE(pki.ok());
  std::string path = dir.path() + "/home/.kube/config";
  ASSERT_TRUE(WriteKubeconfig(path, "https://[::1]:6443", *pki).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  StatusOr<std::string> text = ReadWholeFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, RenderKubeconfig("https://[::1]:6443", *pki));
  // Rewriting replaces the file.
  ASSERT_TRUE(WriteKubeconfig(path, "https://127.0.0.1:7443", *pki).ok());
  text = ReadWholeFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("https://127.0.0.1:7443"), std::string::npos);
}

// kubectl itself must accept the file (it validates auth info and CA data).
TEST(KubeconfigTest, KubectlAcceptsTheKubeconfig) {
  if (std::system("kubectl version --client >/dev/null 2>&1") != 0) GTEST_SKIP() << "no kubectl";
  TempDir dir;
  StatusOr<Pki> pki = LoadOrCreatePki(dir.path(), {});
  ASSERT_TRUE(pki.ok());
  std::string path = dir.path() + "/kubeconfig";
  ASSERT_TRUE(WriteKubeconfig(path, "https://127.0.0.1:6443", *pki, true).ok());
  std::string cmd = "kubectl --kubeconfig " + path +
                    " config view --minify -o jsonpath='{.clusters[0].cluster.server} "
                    "{.contexts[0].context.user}' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 256> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  EXPECT_EQ(::pclose(p), 0) << out;
  EXPECT_EQ(out, "https://127.0.0.1:6443 berth-admin");
}

}  // namespace
}  // namespace berth::apiserver::tls
