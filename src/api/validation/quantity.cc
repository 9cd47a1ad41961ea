// resource.Quantity parsing. Internally the amount is handled as an exact
// integer count of nano-units (Kubernetes' finest scale); sub-nano precision is
// rounded up (away from zero) as Kubernetes does.
#include "api/validation/quantity.h"

#include <cmath>
#include <limits>

namespace berth::api::validation {
namespace {

using u128 = unsigned __int128;

// Saturation bound for intermediate nano amounts (about 1e36, far above int64 * 1e9).
const u128 kNanoCap = static_cast<u128>(1) << 120;

u128 MulSat(u128 a, u128 b) {
  if (a == 0 || b == 0) return 0;
  if (a > kNanoCap / b) return kNanoCap;
  return a * b;
}

u128 Pow10(int n) {
  u128 r = 1;
  for (int i = 0; i < n; ++i) r = MulSat(r, 10);
  return r;
}

struct Suffix {
  int base10 = 0;    // decimal exponent
  int base2 = 0;     // binary exponent (multiple of 10)
  const char* format = "DecimalSI";
};

// Recognises the suffix after the number; false when it is not one Kubernetes accepts.
bool ParseSuffix(std::string_view s, Suffix* out) {
  if (s.empty()) return true;
  static const struct {
    const char* text;
    int base10;
    int base2;
  } kTable[] = {
      {"n", -9, 0},  {"u", -6, 0},  {"m", -3, 0},  {"k", 3, 0},   {"M", 6, 0},
      {"G", 9, 0},   {"T", 12, 0},  {"P", 15, 0},  {"E", 18, 0},  {"Ki", 0, 10},
      {"Mi", 0, 20}, {"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
  };
  for (const auto& e : kTable) {
    if (s == e.text) {
      out->base10 = e.base10;
      out->base2 = e.base2;
      out->format = e.base2 ? "BinarySI" : "DecimalSI";
      return true;
    }
  }
  if (s[0] != 'e' && s[0] != 'E') return false;
  std::string_view exp = s.substr(1);
  bool neg = false;
  if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) {
    neg = exp[0] == '-';
    exp.remove_prefix(1);
  }
  if (exp.empty() || exp.size() > 4) return false;
  int n = 0;
  for (char c : exp) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  out->base10 = neg ? -n : n;
  out->format = "DecimalExponent";
  return true;
}

// Canonical text of a non-negative nano amount in decimal (SI or exponent) form.
std::string DecimalText(u128 nano, bool exponent_form) {
  static const char* kSi[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  int step = 0;  // exponent = -9 + 3*step
  if (nano != 0) {
    while (step < 9 && nano % 1000 == 0) {
      nano /= 1000;
      ++step;
    }
  } else {
    step = 3;
  }
  std::string digits;
  u128 v = nano;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  int exp10 = -9 + 3 * step;
  if (!exponent_form) return digits + kSi[step];
  if (exp10 == 0) return digits;
  return digits + "e" + std::to_string(exp10);
}

std::string U128Text(u128 v) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return s;
}

int64_t SaturatingCeil(long double x) {
  long double c = std::ceil(x);
  if (c >= static_cast<long double>(std::numeric_limits<int64_t>::max())) {
    return std::numeric_limits<int64_t>::max();
  }
  if (c <= static_cast<long double>(std::numeric_limits<int64_t>::min())) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(c);
}

}  // namespace

int64_t Quantity::MilliValue() const { return SaturatingCeil(value); }

int64_t Quantity::Value() const { return SaturatingCeil(value / 1000.0L); }

std::optional<Quantity> ParseQuantity(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[i] == '+' || s[i] == '-') {
    negative = s[i] == '-';
    ++i;
  }
  u128 mantissa = 0;
  int frac_digits = 0;
  int digits = 0;
  bool seen_dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (seen_dot) return std::nullopt;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    ++digits;
    if (mantissa < kNanoCap / 10) {
      mantissa = mantissa * 10 + static_cast<unsigned>(c - '0');
      if (seen_dot) ++frac_digits;
    } else if (!seen_dot) {
      mantissa = kNanoCap;  // integer part too large: saturate
    }
  }
  if (digits == 0) return std::nullopt;
  Suffix suffix;
  if (!ParseSuffix(s.substr(i), &suffix)) return std::nullopt;

  // nano = mantissa * 10^(base10 + 9 - frac_digits) * 2^base2, rounding up below one nano.
  int shift = suffix.base10 + 9 - frac_digits;
  u128 nano = MulSat(mantissa, static_cast<u128>(1) << suffix.base2);
  if (shift >= 0) {
    nano = MulSat(nano, Pow10(shift));
  } else {
    u128 div = Pow10(-shift);
    if (-shift > 36) {
      nano = nano == 0 ? 0 : 1;
    } else {
      nano = nano / div + (nano % div != 0 ? 1 : 0);
    }
  }
  Quantity q;
  q.format = suffix.format;
  long double milli = static_cast<long double>(nano) / 1e6L;
  q.value = negative ? -milli : milli;
  if (q.value == 0) q.value = 0;  // no negative zero
  return q;
}

std::string CanonicalQuantity(const Quantity& q) {
  bool negative = q.value < 0;
  long double mag = std::fabs(q.value) * 1e6L;
  u128 nano = static_cast<u128>(std::roundl(mag));
  std::string sign = negative && nano != 0 ? "-" : "";
  if (q.format == "BinarySI") {
    const u128 kGiga = 1000000000;
    bool integral = nano % kGiga == 0;
    u128 units = nano / kGiga;
    if (integral && units >= 1024) {
      static const char* kBin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      int k = 0;
      while (k < 6 && units % 1024 == 0) {
        units /= 1024;
        ++k;
      }
      return sign + U128Text(units) + kBin[k];
    }
    return sign + DecimalText(nano, false);
  }
  return sign + DecimalText(nano, q.format == "DecimalExponent");
}

}  // namespace berth::api::validation
