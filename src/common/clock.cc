#include "common/clock.h"

#include <cstdio>
#include <ctime>

namespace berth {

SystemClock& SystemClock::Get() {
  static SystemClock clock;
  return clock;
}

static std::tm ToTm(Clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

std::string FormatRfc3339(Clock::time_point t) {
  std::tm tm = ToTm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FormatRfc3339Micro(Clock::time_point t) {
  std::tm tm = ToTm(t);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() %
            1000000;
  if (us < 0) us += 1000000;
  char buf[48];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06lldZ", buf, static_cast<long long>(us));
  return out;
}

bool ParseRfc3339(const std::string& s, Clock::time_point* out) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20) return false;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) {
    return false;
  }
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  size_t i = 19;
  long long frac_ns = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    long long scale = 100000000;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      frac_ns += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return false;
  }
  int offset_s = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return false;
    offset_s = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return false;
  }
  if (i != s.size()) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t secs = timegm(&tm) - offset_s;
  *out = std::chrono::system_clock::from_time_t(secs) +
         std::chrono::duration_cast<Clock::time_point::duration>(std::chrono::nanoseconds(frac_ns));
  return true;
}

std::string HumanDuration(std::chrono::seconds d) {
  long long s = d.count();
  // Like kubectl: up to one second in the future is clock skew ("0s"); more is "<invalid>".
  if (s < -1) return "<invalid>";
  if (s < 0) s = 0;
  auto str = [](long long v, const char* unit) { return std::to_string(v) + unit; };
  if (s < 60 * 2) return str(s, "s");
  long long m = s / 60;
  if (m < 10) {
    long long rs = s % 60;
    return rs == 0 ? str(m, "m") : str(m, "m") + str(rs, "s");
  }
  if (m < 60 * 3) return str(m, "m");
  long long h = s / 3600;
  if (h < 8) {
    long long rm = (s / 60) % 60;
    return rm == 0 ? str(h, "h") : str(h, "h") + str(rm, "m");
  }
  if (h < 48) return str(h, "h");
  if (h < 24 * 8) {
    long long rh = h % 24;
    return rh == 0 ? str(h / 24, "d") : str(h / 24, "d") + str(rh, "h");
  }
  if (h < 24 * 365 * 2) return str(h / 24, "d");
  if (h < 24 * 365 * 8) {
    long long dy = (h / 24) % 365;
    return dy == 0 ? str(h / 24 / 365, "y") : str(h / 24 / 365, "y") + str(dy, "d");
  }
  return str(h / 24 / 365, "y");
}

}  // namespace berth
