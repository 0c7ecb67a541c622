#include "core/latency_sketch.hpp"

#include "core/varint.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

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

namespace {

// Bins as gaps from the previous one (mostly one byte each) and counts; bin_of and count_of
// read an element of [first, last).
template <class Iterator, class BinOf, class CountOf>
void put_bins(std::string& out, Iterator first, Iterator last, BinOf bin_of, CountOf count_of) {
  put_varint(out, static_cast<std::uint64_t>(std::distance(first, last)));
  std::uint16_t previous = 0;
  for (auto it = first; it != last; ++it) {
    put_varint(out, static_cast<std::uint64_t>(bin_of(*it) - previous));
    put_varint(out, count_of(*it));
    previous = bin_of(*it);
  }
}

} // namespace

void latency_bins::encode(std::string& out) const {
  put_bins(
      out, bins_.begin(), bins_.end(), [](const auto& e) { return e.first; },
      [](const auto& e) { return e.second; });
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

namespace {

bool entry_before(const keyed_latency_bins::entry& a, const keyed_latency_bins::entry& b) {
  return a.key < b.key || (a.key == b.key && a.bin < b.bin);
}

} // namespace

void keyed_latency_bins::add(std::uint32_t key, std::int64_t latency_us) {
  const entry added{key, latency_scale::bin_of(latency_us), 1};
  auto it = std::lower_bound(entries_.begin(), entries_.end(), added, entry_before);
  if (it != entries_.end() && it->key == key && it->bin == added.bin)
    ++it->count;
  else
    entries_.insert(it, added);
}

void keyed_latency_bins::add(const keyed_latency_bins& other) {
  std::vector<entry> merged;
  merged.reserve(entries_.size() + other.entries_.size());
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() || b != other.entries_.end()) {
    if (b == other.entries_.end() || (a != entries_.end() && entry_before(*a, *b))) {
      merged.push_back(*a++);
    } else if (a == entries_.end() || entry_before(*b, *a)) {
      merged.push_back(*b++);
    } else {
      merged.push_back({a->key, a->bin, a->count + b->count});
      ++a;
      ++b;
    }
  }
  entries_ = std::move(merged);
}

void keyed_latency_bins::encode(std::string& out, std::uint32_t key) const {
  auto first = std::lower_bound(entries_.begin(), entries_.end(), entry{key, 0, 0}, entry_before);
  auto last = first;
  while (last != entries_.end() && last->key == key)
    ++last;
  put_bins(
      out, first, last, [](const entry& e) { return e.bin; },
      [](const entry& e) { return e.count; });
}

bool keyed_latency_bins::decode(std::string_view& in, std::uint32_t key) {
  latency_bins bins;
  if (!bins.decode(in))
    return false;
  auto at = std::lower_bound(entries_.begin(), entries_.end(), entry{key, 0, 0}, entry_before);
  if (at != entries_.end() && at->key == key)
    return false;
  std::vector<entry> added;
  added.reserve(bins.bins().size());
  for (const auto& [bin, count] : bins.bins())
    added.push_back({key, bin, count});
  entries_.insert(at, added.begin(), added.end());
  return true;
}

void latency_histogram::reserve(std::size_t bins) {
  if (dense_.empty())
    sparse_.reserve(std::min(bins, 2 * dense_from));
}

void latency_histogram::make_dense() {
  dense_.assign(latency_scale::bin_count, 0);
  for (const auto& [bin, count] : sparse_)
    dense_[bin] += count;
  sparse_.clear();
  sparse_.shrink_to_fit();
  sorted_ = 0;
}

void latency_histogram::settle() const {
  if (sorted_ == sparse_.size())
    return;

  // Counting instead of sorting: sum every entry into its bin in a scratch table, marking the
  // bins used, then read the marked bins back in order. Linear in the entries; the scratch is
  // left zeroed for the next call on this thread.
  constexpr std::size_t word_bits = 64;
  static_assert(latency_scale::bin_count % word_bits == 0);
  thread_local std::array<std::int64_t, latency_scale::bin_count> counts{};
  thread_local std::array<std::uint64_t, latency_scale::bin_count / word_bits> used{};
  for (const auto& [bin, count] : sparse_) {
    counts[bin] += count;
    used[bin / word_bits] |= std::uint64_t{1} << (bin % word_bits);
  }
  sparse_.clear();
  for (std::size_t word = 0; word < used.size(); ++word) {
    for (std::uint64_t bits = used[word]; bits != 0; bits &= bits - 1) {
      const auto bin = static_cast<std::uint16_t>(word * word_bits + __builtin_ctzll(bits));
      sparse_.emplace_back(bin, counts[bin]);
      counts[bin] = 0;
    }
    used[word] = 0;
  }
  sorted_ = sparse_.size();
}

void latency_histogram::settle_if_many() {
  if (sparse_.size() - sorted_ <= dense_from)
    return;
  settle();
  if (sparse_.size() > dense_from)
    make_dense();
}

void latency_histogram::add(const latency_bins& bins) {
  for (const auto& [bin, count] : bins.bins())
    count_ += count;
  if (!dense_.empty()) {
    for (const auto& [bin, count] : bins.bins())
      dense_[bin] += count;
    return;
  }
  // Into an empty histogram the bins come sorted, each once: nothing to settle.
  const bool settled = sparse_.empty();
  sparse_.insert(sparse_.end(), bins.bins().begin(), bins.bins().end());
  if (settled)
    sorted_ = sparse_.size();
  settle_if_many();
}

void latency_histogram::add(
    const keyed_latency_bins::entry* first, const keyed_latency_bins::entry* last) {
  for (auto* it = first; it != last; ++it)
    count_ += it->count;
  if (!dense_.empty()) {
    for (auto* it = first; it != last; ++it)
      dense_[it->bin] += it->count;
    return;
  }
  const bool settled = sparse_.empty();
  for (auto* it = first; it != last; ++it)
    sparse_.emplace_back(it->bin, it->count);
  if (settled)
    sorted_ = sparse_.size();
  settle_if_many();
}

void latency_histogram::add(std::uint16_t bin, std::int64_t count) {
  count_ += count;
  if (!dense_.empty()) {
    dense_[bin] += count;
    return;
  }
  sparse_.emplace_back(bin, count);
  settle_if_many();
}

void latency_histogram::add(const latency_histogram& other) {
  count_ += other.count_;
  if (!other.dense_.empty() && dense_.empty())
    make_dense();
  if (!dense_.empty()) {
    for (std::size_t i = 0; i < other.dense_.size(); ++i)
      dense_[i] += other.dense_[i];
    for (const auto& [bin, count] : other.sparse_)
      dense_[bin] += count;
    return;
  }
  sparse_.insert(sparse_.end(), other.sparse_.begin(), other.sparse_.end());
  settle_if_many();
}

template <std::size_t N>
std::array<double, N> latency_histogram::values_at(const std::array<std::int64_t, N>& ranks) const {
  settle();
  std::array<std::size_t, N> order; // Indexes of ranks, smallest rank first.
  for (std::size_t i = 0; i < N; ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return ranks[a] < ranks[b];
  });
  std::array<double, N> values;
  values.fill(latency_scale::value_of(latency_scale::bin_count - 1));
  std::size_t next = 0;
  std::int64_t seen = 0;
  auto pass = [&](std::uint16_t bin, std::int64_t count) {
    seen += count;
    for (; next < N && seen > ranks[order[next]]; ++next)
      values[order[next]] = latency_scale::value_of(bin);
    return next == N;
  };
  if (!dense_.empty()) {
    for (std::size_t bin = 0; bin < dense_.size(); ++bin)
      if (pass(static_cast<std::uint16_t>(bin), dense_[bin]))
        break;
  } else {
    for (const auto& [bin, count] : sparse_)
      if (pass(bin, count))
        break;
  }
  return values;
}

template <std::size_t N>
std::array<double, N> latency_histogram::quantiles_ms(const std::array<double, N>& qs) const {
  // percentile_cont: the value at fractional rank q * (n - 1), between its two neighbours.
  std::array<std::int64_t, 2 * N> ranks;
  std::array<double, N> fractions;
  for (std::size_t i = 0; i < N; ++i) {
    const double rank = std::clamp(qs[i], 0.0, 1.0) * static_cast<double>(count_ - 1);
    ranks[2 * i] = static_cast<std::int64_t>(std::floor(rank));
    ranks[2 * i + 1] = std::min(ranks[2 * i] + 1, count_ - 1);
    fractions[i] = rank - static_cast<double>(ranks[2 * i]);
  }
  const auto values = values_at(ranks);
  std::array<double, N> quantiles;
  for (std::size_t i = 0; i < N; ++i) {
    const double low = values[2 * i];
    const double high = fractions[i] > 0.0 ? values[2 * i + 1] : low;
    quantiles[i] = (low + fractions[i] * (high - low)) / 1000.0;
  }
  return quantiles;
}

std::optional<double> latency_histogram::quantile_ms(double q) const {
  if (count_ == 0)
    return std::nullopt;
  return quantiles_ms(std::array<double, 1>{q})[0];
}

std::array<double, reported_percentile_count> latency_histogram::reported_ms() const {
  std::array<double, reported_percentile_count> qs;
  std::copy(std::begin(reported_percentiles), std::end(reported_percentiles), qs.begin());
  if (count_ == 0)
    return {};
  return quantiles_ms(qs);
}

} // namespace llmops::core
