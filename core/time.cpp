#include "core/time.hpp"

#include <chrono>
#include <cstdio>

namespace llmops::core {

namespace {

bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size())
    return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

bool is_leap(std::int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : lengths[month - 1];
}

// Reads "YYYY-MM-DD" at the start of text; returns days since the epoch.
std::optional<std::int64_t> parse_date_part(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day))
    return std::nullopt;
  if (year < 1970 || month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > days_in_month(year, month))
    return std::nullopt;
  return days_from_civil(year, month, day);
}

} // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's algorithm, counted in eras of 400 years.
  year -= month <= 2;
  const std::int64_t era = floor_div(year, 400);
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

civil_date civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2);
  return {year, month, day};
}

std::optional<micros> parse_rfc3339(std::string_view text) {
  auto days = parse_date_part(text);
  if (!days || text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' '))
    return std::nullopt;

  // Time of day.
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_digits(text, 11, 2, hour) || text[13] != ':' || !read_digits(text, 14, 2, minute) ||
      text[16] != ':' || !read_digits(text, 17, 2, second))
    return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59)
    return std::nullopt;

  // Optional fraction, at most six digits.
  std::size_t pos = 19;
  micros fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 6)
        return std::nullopt;
      fraction = fraction * 10 + (text[pos] - '0');
      ++pos;
    }
    if (digits == 0)
      return std::nullopt;
    for (; digits < 6; ++digits)
      fraction *= 10;
  }

  // Zone: Z or +hh:mm / -hh:mm.
  if (pos >= text.size())
    return std::nullopt;
  std::int64_t offset_seconds = 0;
  char zone = text[pos];
  if (zone == 'Z' || zone == 'z') {
    ++pos;
  } else if (zone == '+' || zone == '-') {
    int off_hour = 0;
    int off_minute = 0;
    if (!read_digits(text, pos + 1, 2, off_hour) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, off_minute) || off_hour > 23 ||
        off_minute > 59)
      return std::nullopt;
    offset_seconds = (off_hour * 3600 + off_minute * 60) * (zone == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size())
    return std::nullopt;

  const std::int64_t seconds =
      *days * seconds_per_day + hour * 3600 + minute * 60 + second - offset_seconds;
  if (seconds < 0)
    return std::nullopt;
  return seconds * micros_per_second + fraction;
}

std::optional<micros> parse_date_param(std::string_view text) {
  if (text.size() == 10) {
    auto days = parse_date_part(text);
    if (!days)
      return std::nullopt;
    return *days * seconds_per_day * micros_per_second;
  }
  return parse_rfc3339(text);
}

namespace {

// Writes value as exactly width decimal digits (value must fit).
char* put_digits(char* at, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return at + width;
}

} // namespace

void append_rfc3339(std::string& out, micros at) {
  const std::int64_t seconds = floor_div(at, micros_per_second);
  const micros fraction = at - seconds * micros_per_second;
  const std::int64_t days = floor_div(seconds, seconds_per_day);
  const std::int64_t second_of_day = seconds - days * seconds_per_day;
  const civil_date date = civil_from_days(days);

  char buffer[48];
  char* end = buffer;
  if (date.year >= 0 && date.year <= 9999)
    end = put_digits(end, date.year, 4);
  else
    end += std::snprintf(end, 24, "%04lld", static_cast<long long>(date.year));
  *end++ = '-';
  end = put_digits(end, date.month, 2);
  *end++ = '-';
  end = put_digits(end, date.day, 2);
  *end++ = 'T';
  end = put_digits(end, second_of_day / 3600, 2);
  *end++ = ':';
  end = put_digits(end, second_of_day / 60 % 60, 2);
  *end++ = ':';
  end = put_digits(end, second_of_day % 60, 2);
  if (fraction != 0) {
    *end++ = '.';
    end = put_digits(end, fraction, 6);
  }
  *end++ = 'Z';
  out.append(buffer, end);
}

std::string format_rfc3339(micros at) {
  std::string text;
  append_rfc3339(text, at);
  return text;
}

micros now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace llmops::core
