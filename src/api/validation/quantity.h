// resource.Quantity: parsing and canonical form of "100m", "1.5Gi", "2e3", "128974848".
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::api::validation {

struct Quantity {
  // The value in milli-units (MilliValue()/Value() saturate at int64 limits).
  long double value = 0;
  // "DecimalSI" ("k", "M", "m", none), "BinarySI" ("Ki", "Mi"...) or "DecimalExponent" ("e3").
  std::string format;
  int64_t MilliValue() const;
  int64_t Value() const;  // rounded up to an integer, as Kubernetes does
};

// Parses a quantity string; nullopt when malformed.
std::optional<Quantity> ParseQuantity(std::string_view s);
// Kubernetes' canonical text for a quantity ("1500m" -> "1500m", "1.5" -> "1500m", "1024Ki" -> "1Mi").
std::string CanonicalQuantity(const Quantity& q);

}  // namespace berth::api::validation
