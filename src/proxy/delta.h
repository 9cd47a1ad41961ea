// Incremental renderer: (old Model, new Model) -> the nft commands that turn the table rendered
// for `old` into the one for `now`, touching only ports whose ServicePort changed. Pure function.
//
// Order inside the script (one `nft -f` transaction, so packets see old or new, never a mix):
//   1. delete map elements that go away or change verdict
//   2. `add chain` + `flush chain` for every chain of a changed port; `flush chain` for chains
//      that go away (this drops their references to endpoint chains and affinity sets)
//   3. delete affinity sets that go away (or whose timeout changed), add new ones
//   4. the rules of changed ports' chains
//   5. add new map elements
//   6. delete the chains that went away (after their map elements and referrers are gone)
// Affinity sets that stay keep their entries. Returns "" when nothing differs.
#pragma once

#include <string>

#include "proxy/model.h"
#include "proxy/ruleset.h"

namespace berth::proxy {

std::string RenderDelta(const RenderOptions& options, const Model& old_model,
                        const Model& new_model);

}  // namespace berth::proxy
