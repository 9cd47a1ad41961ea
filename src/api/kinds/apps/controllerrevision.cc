// apps/v1 ControllerRevision: an immutable snapshot of a DaemonSet's or
// StatefulSet's template, used for rollbacks.
#include <algorithm>
#include <cctype>

#include "api/kinds/apps/apps_types.h"
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"

namespace berth::api::apps {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr ControllerRevisionSchema() {
  return KindSchema(
      "io.k8s.api.apps.v1.ControllerRevision",
      "ControllerRevision stores one immutable revision of a controller's state (for example a "
      "DaemonSet or StatefulSet template) so that it can be rolled back to. Only its metadata "
      "may change after creation.",
      {
          F("data", Any(), "The serialized state this revision captures.", 2),
          Req("revision", Int64(), "The revision number of the captured state.", 3),
      });
}

std::vector<Cause> ValidateControllerRevision(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  CheckNonNegative(obj, "revision", "revision", out);
  if (old != nullptr) {
    const json::value null_value;
    const json::value* now = obj.if_contains("data");
    const json::value* before = old->if_contains("data");
    if ((now != nullptr ? *now : null_value) != (before != nullptr ? *before : null_value)) {
      out.push_back(InvalidCause("data", "runtime.RawExtension{...}", kImmutableMsg));
    }
  }
  return out;
}

// "daemonset.apps/web" for the owner marked controller=true, else "<none>".
std::string ControllerCell(const json::object& obj) {
  const json::object* meta = ObjAt(obj, "metadata");
  const json::array* owners = meta != nullptr ? ArrAt(*meta, "ownerReferences") : nullptr;
  if (owners == nullptr) return "<none>";
  for (const json::value& o : *owners) {
    if (!o.is_object() || !BoolAt(o.get_object(), "controller").value_or(false)) continue;
    const json::object& ref = o.get_object();
    std::string kind = StrAt(ref, "kind");
    std::transform(kind.begin(), kind.end(), kind.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string api_version = StrAt(ref, "apiVersion");
    size_t slash = api_version.find('/');
    std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    return (group.empty() ? kind : kind + "." + group) + "/" + StrAt(ref, "name");
  }
  return "<none>";
}

json::array ControllerRevisionRow(const json::object& obj, const HookContext& ctx) {
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(ControllerCell(obj));
  row.emplace_back(IntAt(obj, "revision").value_or(0));
  row.emplace_back(AgeCell(obj, ctx));
  return row;
}

}  // namespace

ResourceType ControllerRevisionType() {
  ResourceType t;
  t.group = "apps";
  t.version = "v1";
  t.kind = "ControllerRevision";
  t.plural = "controllerrevisions";
  t.singular = "controllerrevision";
  t.schema = ControllerRevisionSchema();
  t.validate_fn = ValidateControllerRevision;
  t.generation_tracks_spec = false;
  t.columns = {
      NameColumn(),
      {"Controller", "string", "", "The controller that owns this revision.", 0},
      {"Revision", "integer", "", "The revision number of the captured state.", 0},
      AgeColumn(),
  };
  t.row_fn = ControllerRevisionRow;
  return t;
}

}  // namespace berth::api::apps
