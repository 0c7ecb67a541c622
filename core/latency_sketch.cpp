#include "core/latency_sketch.hpp"

#include "core/varint.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace llmops::core {

namespace latency_scale {

namespace {

const double growth = (1.0 + relative_accuracy) / (1.0 - relative_accuracy);
const double log_growth = std::log(growth);

// Bin i > 0 spans (g^(i-2), g^(i-1)]: its representative and the whole microseconds in it.
std::array<double, bin_count> make_values() {
  std::array<double, bin_count> values{};
  for (std::size_t i = 1; i < bin_count; ++i) {
    const double low = std::pow(growth, static_cast<double>(i) - 2.0);
    const double high = low * growth;
    const double middle = 2.0 * high / (growth + 1.0);
    const double first_whole = std::floor(low) + 1.0;
    const double last_whole = std::floor(high);
    values[i] = first_whole <= last_whole ? std::clamp(middle, first_whole, last_whole) : middle;
  }
  return values;
}

const std::array<double, bin_count> values = make_values();

} // namespace

std::uint16_t bin_of(std::int64_t latency_us) {
  if (latency_us <= 0)
    return 0;
  const double exponent = std::ceil(std::log(static_cast<double>(latency_us)) / log_growth);
  const double bin = std::clamp(exponent + 1.0, 1.0, static_cast<double>(bin_count - 1));
  return static_cast<std::uint16_t>(bin);
}

double value_of(std::uint16_t bin) {
  return bin < bin_count ? values[bin] : values[bin_count - 1];
}

} // namespace latency_scale

void latency_bins::add(std::int64_t latency_us) {
  const std::uint16_t bin = latency_scale::bin_of(latency_us);
  auto it =
      std::lower_bound(bins_.begin(), bins_.end(), bin, [](const auto& entry, std::uint16_t key) {
        return entry.first < key;
      });
  if (it != bins_.end() && it->first == bin)
    ++it->second;
  else
    bins_.insert(it, {bin, 1});
}

void latency_bins::add(const latency_bins& other) {
  std::vector<std::pair<std::uint16_t, std::uint32_t>> merged;
  merged.reserve(bins_.size() + other.bins_.size());
  auto a = bins_.begin();
  auto b = other.bins_.begin();
  while (a != bins_.end() || b != other.bins_.end()) {
    if (b == other.bins_.end() || (a != bins_.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == bins_.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      merged.emplace_back(a->first, a->second + b->second);
      ++a;
      ++b;
    }
  }
  bins_ = std::move(merged);
}

void latency_bins::encode(std::string& out) const {
  // Bins as gaps from the previous one: mostly one byte each.
  put_varint(out, bins_.size());
  std::uint16_t previous = 0;
  for (const auto& [bin, count] : bins_) {
    put_varint(out, static_cast<std::uint64_t>(bin - previous));
    put_varint(out, count);
    previous = bin;
  }
}

bool latency_bins::decode(std::string_view& in) {
  std::uint64_t size = 0;
  if (!get_varint(in, size) || size > latency_scale::bin_count)
    return false;
  bins_.clear();
  bins_.reserve(size);
  std::uint64_t bin = 0;
  for (std::uint64_t i = 0; i < size; ++i) {
    std::uint64_t gap = 0;
    std::uint64_t count = 0;
    if (!get_varint(in, gap) || !get_varint(in, count))
      return false;
    bin += gap;
    if (bin >= latency_scale::bin_count || count > UINT32_MAX || (i > 0 && gap == 0))
      return false;
    bins_.emplace_back(static_cast<std::uint16_t>(bin), static_cast<std::uint32_t>(count));
  }
  return true;
}

void latency_histogram::add_bin(std::uint16_t bin, std::int64_t count) {
  count_ += count;
  if (!dense_.empty()) {
    dense_[bin] += count;
    return;
  }
  auto it = std::lower_bound(
      sparse_.begin(), sparse_.end(), bin,
      [](const auto& entry, std::uint16_t key) { return entry.first < key; });
  if (it != sparse_.end() && it->first == bin)
    it->second += count;
  else
    sparse_.insert(it, {bin, count});
}

void latency_histogram::make_dense() {
  dense_.assign(latency_scale::bin_count, 0);
  for (const auto& [bin, count] : sparse_)
    dense_[bin] += count;
  sparse_.clear();
  sparse_.shrink_to_fit();
}

void latency_histogram::add(const latency_bins& bins) {
  if (dense_.empty() && sparse_.size() + bins.bins().size() > dense_from)
    make_dense();
  if (!dense_.empty()) {
    for (const auto& [bin, count] : bins.bins()) {
      dense_[bin] += count;
      count_ += count;
    }
    return;
  }

  // Merge two sorted lists in one pass.
  std::vector<std::pair<std::uint16_t, std::int64_t>> merged;
  merged.reserve(sparse_.size() + bins.bins().size());
  auto a = sparse_.begin();
  auto b = bins.bins().begin();
  while (a != sparse_.end() || b != bins.bins().end()) {
    if (b == bins.bins().end() || (a != sparse_.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == sparse_.end() || b->first < a->first) {
      merged.emplace_back(b->first, b->second);
      ++b;
    } else {
      merged.emplace_back(a->first, a->second + b->second);
      ++a;
      ++b;
    }
  }
  for (const auto& [bin, count] : bins.bins())
    count_ += count;
  sparse_ = std::move(merged);
}

void latency_histogram::add(const latency_histogram& other) {
  if (!other.dense_.empty()) {
    if (dense_.empty())
      make_dense();
    for (std::size_t i = 0; i < dense_.size(); ++i)
      dense_[i] += other.dense_[i];
    count_ += other.count_;
    return;
  }
  if (dense_.empty() && sparse_.size() + other.sparse_.size() > dense_from)
    make_dense();
  for (const auto& [bin, count] : other.sparse_)
    add_bin(bin, count);
}

double latency_histogram::value_at(std::int64_t rank) const {
  std::int64_t seen = 0;
  if (!dense_.empty()) {
    for (std::size_t bin = 0; bin < dense_.size(); ++bin) {
      seen += dense_[bin];
      if (seen > rank)
        return latency_scale::value_of(static_cast<std::uint16_t>(bin));
    }
  } else {
    for (const auto& [bin, count] : sparse_) {
      seen += count;
      if (seen > rank)
        return latency_scale::value_of(bin);
    }
  }
  return latency_scale::value_of(latency_scale::bin_count - 1);
}

std::optional<double> latency_histogram::quantile_ms(double q) const {
  if (count_ == 0)
    return std::nullopt;

  // percentile_cont: the value at fractional rank q * (n - 1), between its two neighbours.
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(count_ - 1);
  const auto below = static_cast<std::int64_t>(std::floor(rank));
  const double fraction = rank - static_cast<double>(below);
  const double low = value_at(below);
  const double high = fraction > 0.0 ? value_at(below + 1) : low;
  return (low + fraction * (high - low)) / 1000.0;
}

} // namespace llmops::core
