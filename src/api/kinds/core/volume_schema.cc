// core/v1 Volume and the volume sources berth supports. The Go VolumeSource is
// embedded in Volume (nested at proto tag 2, flattened in JSON), so the source
// fields carry proto_tag 0; see container_schema.cc.
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

SchemaPtr KeyToPathSchema() {
  static const SchemaPtr s = CoreObject(
      "KeyToPath", "Maps one key to a relative file path in the volume.",
      {
          Req("key", String(), "The key to project.", 1),
          Req("path", String(), "Relative file path the key is written to.", 2),
          F("mode", Int32(), "Permission bits of the file.", 3),
      });
  return s;
}

namespace {

SchemaPtr DownwardAPIFileSchema() {
  static const SchemaPtr s = CoreObject(
      "DownwardAPIVolumeFile", "A file holding a field of the pod.",
      {
          Req("path", String(), "Relative file path.", 1),
          F("fieldRef", ObjectFieldSelectorSchema(), "Pod field to write.", 2),
          F("resourceFieldRef", ResourceFieldSelectorSchema(), "Container resource to write.", 3),
          F("mode", Int32(), "Permission bits of the file.", 4),
      });
  return s;
}

SchemaPtr ProjectionSchema() {
  auto keyed = [](const std::string& name, const std::string& what) {
    return CoreObject(name, "Projects keys of a " + what + " into the volume.",
                      {
                          Embedded(1, F("name", String(), "Name of the " + what + ".", 1)),
                          F("items", ListOf(KeyToPathSchema()), "Keys to project; default all.", 2),
                          F("optional", Bool(), "Whether the " + what + " may be missing.", 4),
                      });
  };
  static const SchemaPtr s = CoreObject(
      "VolumeProjection", "One source of a projected volume.",
      {
          F("secret", keyed("SecretProjection", "secret"), "Keys of a secret.", 1),
          F("downwardAPI",
            CoreObject("DownwardAPIProjection", "Pod fields to project.",
                       {F("items", ListOf(DownwardAPIFileSchema()), "Files to write.", 1)}),
            "Fields of the pod.", 2),
          F("configMap", keyed("ConfigMapProjection", "config map"), "Keys of a config map.", 3),
          F("serviceAccountToken",
            CoreObject("ServiceAccountTokenProjection", "A service account token.",
                       {
                           F("audience", String(), "Intended audience of the token.", 1),
                           F("expirationSeconds", Int64(), "Requested token lifetime.", 2),
                           Req("path", String(), "File path of the token.", 3),
                       }),
            "A service account token.", 4),
      });
  return s;
}

}  // namespace

SchemaPtr VolumeSchema() {
  static const SchemaPtr s = CoreObject(
      "Volume", "A named volume that containers of the pod can mount.",
      {
          Req("name", String(), "Volume name, a DNS label unique in the pod.", 1),
          Embedded(2, F("hostPath",
            CoreObject("HostPathVolumeSource", "A file or directory of the node.",
                       {
                           Req("path", String(), "Path on the node.", 1),
                           F("type", String(), "Expected type of the path; default none.", 2),
                       }),
            "A path on the node.", 1)),
          Embedded(2, F("emptyDir",
            CoreObject("EmptyDirVolumeSource", "A scratch directory that lives as long as the pod.",
                       {
                           F("medium", String(), "Storage medium: empty or Memory.", 1),
                           F("sizeLimit", Quantity(), "Most storage the directory may use.", 2),
                       }),
            "Scratch space for the pod's lifetime.", 2)),
          Embedded(2, F("secret",
            CoreObject("SecretVolumeSource", "Files made from the keys of a secret.",
                       {
                           F("secretName", String(), "Name of the secret.", 1),
                           F("items", ListOf(KeyToPathSchema()), "Keys to project; default all.", 2),
                           F("defaultMode", Int32(), "Permission bits of files; default 0644.", 3),
                           F("optional", Bool(), "Whether the secret may be missing.", 4),
                       }),
            "Keys of a secret as files.", 6)),
          Embedded(2, F("persistentVolumeClaim",
            CoreObject("PersistentVolumeClaimVolumeSource", "A persistent volume claim.",
                       {
                           Req("claimName", String(), "Name of the claim.", 1),
                           F("readOnly", Bool(), "Mount read-only.", 2),
                       }),
            "A persistent volume claim in the pod's namespace.", 10)),
          Embedded(2, F("downwardAPI",
            CoreObject("DownwardAPIVolumeSource", "Files holding fields of the pod.",
                       {
                           F("items", ListOf(DownwardAPIFileSchema()), "Files to write.", 1),
                           F("defaultMode", Int32(), "Permission bits of files; default 0644.", 2),
                       }),
            "Fields of the pod as files.", 16)),
          Embedded(2, F("configMap",
            CoreObject("ConfigMapVolumeSource", "Files made from the keys of a config map.",
                       {
                           Embedded(1, F("name", String(), "Name of the config map.", 1)),
                           F("items", ListOf(KeyToPathSchema()), "Keys to project; default all.", 2),
                           F("defaultMode", Int32(), "Permission bits of files; default 0644.", 3),
                           F("optional", Bool(), "Whether the config map may be missing.", 4),
                       }),
            "Keys of a config map as files.", 19)),
          Embedded(2, F("projected",
            CoreObject("ProjectedVolumeSource", "Several sources merged into one directory.",
                       {
                           F("sources", ListOf(ProjectionSchema()), "The sources to merge.", 1),
                           F("defaultMode", Int32(), "Permission bits of files; default 0644.", 2),
                       }),
            "Several sources in one directory.", 26)),
      });
  return s;
}

}  // namespace berth::api::core
