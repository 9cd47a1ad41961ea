// RootCaPublisher: every active namespace has the ConfigMap "kube-root-ca.crt" whose data is
// exactly {"ca.crt": <cluster CA PEM>} and which carries the kubernetes.io/description annotation
// (kube's root-ca-cert-publisher). Keys are namespace names; a namespace that appears or changes,
// or whose ConfigMap is changed or deleted, is synced: the ConfigMap is created when missing and
// updated (with its resourceVersion; a conflict retries) when its data or annotation differ.
// Terminating or missing namespaces are skipped.
// Thread-safety: Sync runs on the controller's workers, one key at a time.
#pragma once

#include <string>

#include "controller/controller.h"

namespace berth::controllers {

inline constexpr char kRootCaConfigMapName[] = "kube-root-ca.crt";

class RootCaPublisher : public controller::QueueController {
 public:
  // `ca_pem` is the certificate to publish (non-empty).
  RootCaPublisher(const controller::Context& ctx, std::string ca_pem);
  ~RootCaPublisher() override;
  const char* Name() const override { return "root-ca-cert-publisher"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  std::string ca_pem_;
  controller::Informer* namespaces_;
  controller::Informer* configmaps_;
};

}  // namespace berth::controllers
