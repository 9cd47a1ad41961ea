// ServiceAccountAdmission: kube's ServiceAccount admission plugin for pods being created.
//
// - spec.serviceAccountName (and its alias spec.serviceAccount) defaults to "default".
// - The named ServiceAccount must exist (403 `error looking up service account ns/name: ...`),
//   except "default", which the ServiceAccount controller creates moments after its namespace:
//   a pod racing that is admitted as if the account left every field unset.
// - Unless automountServiceAccountToken is false on the pod, or (left unset on the pod) on the
//   ServiceAccount, a projected volume `kube-api-access-<5 random chars>` is added
//   (serviceAccountToken `token` with expirationSeconds 3607, ConfigMap kube-root-ca.crt key
//   ca.crt, downwardAPI `namespace` from metadata.namespace; defaultMode 0644) and mounted
//   read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container and init
//   container that has no mount at that path yet.
// - A pod without imagePullSecrets gets the ServiceAccount's.
// Mirror pods (annotation kubernetes.io/config.mirror) and other kinds pass untouched.
// Thread-safety: reads the store per create; safe for concurrent calls.
#pragma once

#include "apiserver/admission/admission.h"
#include "apiserver/serviceaccount/stored_objects.h"

namespace berth::apiserver::serviceaccount {

inline constexpr char kTokenMountPath[] = "/var/run/secrets/kubernetes.io/serviceaccount";
inline constexpr char kRootCaConfigMap[] = "kube-root-ca.crt";
inline constexpr char kApiAccessVolumePrefix[] = "kube-api-access-";

class ServiceAccountAdmission : public admission::AdmissionStep {
 public:
  explicit ServiceAccountAdmission(const StoredObjects* objects) : objects_(objects) {}

  Status Mutate(const api::ResourceType& t, boost::json::object& obj) override;
  StatusOr<std::unique_ptr<admission::AdmissionGuard>> Admit(const api::ResourceType&,
                                                            const boost::json::object&) override {
    return std::unique_ptr<admission::AdmissionGuard>();
  }

 private:
  const StoredObjects* objects_;
};

// The projected volume the admission step adds (exposed for tests and the agent's docs).
json::object ApiAccessVolume(const std::string& name);

}  // namespace berth::apiserver::serviceaccount
