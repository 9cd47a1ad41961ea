// Media types of OCI and Docker v2 manifests, configs and layers.
#pragma once

#include <string>

namespace berth::image {

inline constexpr char kOciIndexMediaType[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kOciManifestMediaType[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciConfigMediaType[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kDockerListMediaType[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kDockerManifestMediaType[] =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerConfigMediaType[] = "application/vnd.docker.container.image.v1+json";
inline constexpr char kDockerLayerGzipMediaType[] =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr char kDockerLayerTarMediaType[] = "application/vnd.docker.image.rootfs.diff.tar";

inline bool IsIndexMediaType(const std::string& t) {
  return t == kOciIndexMediaType || t == kDockerListMediaType;
}
inline bool IsManifestMediaType(const std::string& t) {
  return t == kOciManifestMediaType || t == kDockerManifestMediaType;
}

}  // namespace berth::image
