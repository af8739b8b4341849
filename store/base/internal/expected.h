// A stand-in for std::expected / std::unexpected, for compilers whose standard library does
// not provide them (clang 14 with libstdc++ 12 does not: libstdc++'s <expected> needs C++20
// concepts features that clang 14 lacks). errors.h uses std::expected whenever
// __cpp_lib_expected is defined, so g++ builds never see this file. Private to store/base.
//
// It covers what goldthread uses: construction from a value, from Unexpected, in place and by
// copy or move; has_value, operator bool, *, ->, value(), error(), value_or, emplace, ==.
// value() on an error aborts (goldthread checks results before reading them; the std type
// would throw bad_expected_access).
#ifndef GOLDTHREAD_STORE_BASE_INTERNAL_EXPECTED_H_
#define GOLDTHREAD_STORE_BASE_INTERNAL_EXPECTED_H_

#include <cstdlib>
#include <memory>
#include <type_traits>
#include <utility>

namespace goldthread::base_internal {

template <typename E>
class unexpected {
 public:
  template <typename G = E>
  requires(!std::is_same_v<std::remove_cvref_t<G>, unexpected> &&
           std::is_constructible_v<E, G>) constexpr explicit unexpected(G&& e)
      : e_(std::forward<G>(e)) {}

  constexpr const E& error() const& noexcept { return e_; }
  constexpr E& error() & noexcept { return e_; }
  constexpr E&& error() && noexcept { return std::move(e_); }
  constexpr const E&& error() const&& noexcept { return std::move(e_); }

  friend constexpr bool operator==(const unexpected& a, const unexpected& b) {
    return a.e_ == b.e_;
  }

 private:
  E e_;
};

template <typename E>
unexpected(E) -> unexpected<E>;

struct unexpect_t {
  explicit unexpect_t() = default;
};
inline constexpr unexpect_t unexpect{};

[[noreturn]] inline void BadExpectedAccess() { std::abort(); }

template <typename T, typename E>
class expected;

template <typename T>
struct is_expected : std::false_type {};
template <typename T, typename E>
struct is_expected<expected<T, E>> : std::true_type {};
template <typename T>
struct is_unexpected : std::false_type {};
template <typename E>
struct is_unexpected<unexpected<E>> : std::true_type {};

template <typename T, typename E>
class expected {
 public:
  using value_type = T;
  using error_type = E;
  using unexpected_type = unexpected<E>;

  constexpr expected() requires std::is_default_constructible_v<T> : has_(true) {
    std::construct_at(&val_);
  }
  constexpr expected(const expected& o) : has_(o.has_) {
    if (has_) {
      std::construct_at(&val_, o.val_);
    } else {
      std::construct_at(&err_, o.err_);
    }
  }
  constexpr expected(expected&& o) noexcept(
      std::is_nothrow_move_constructible_v<T>&& std::is_nothrow_move_constructible_v<E>)
      : has_(o.has_) {
    if (has_) {
      std::construct_at(&val_, std::move(o.val_));
    } else {
      std::construct_at(&err_, std::move(o.err_));
    }
  }
  template <typename U, typename G>
  requires(!std::is_same_v<expected<U, G>, expected> && std::is_constructible_v<T, const U&> &&
           std::is_constructible_v<
               E, const G&>) constexpr explicit(!std::is_convertible_v<const U&, T> ||
                                                !std::is_convertible_v<const G&, E>)
      expected(const expected<U, G>& o)
      : has_(o.has_value()) {
    if (has_) {
      std::construct_at(&val_, *o);
    } else {
      std::construct_at(&err_, o.error());
    }
  }
  template <typename U, typename G>
  requires(!std::is_same_v<expected<U, G>, expected> && std::is_constructible_v<T, U> &&
           std::is_constructible_v<E, G>) constexpr explicit(!std::is_convertible_v<U, T> ||
                                                             !std::is_convertible_v<G, E>)
      expected(expected<U, G>&& o)
      : has_(o.has_value()) {
    if (has_) {
      std::construct_at(&val_, std::move(*o));
    } else {
      std::construct_at(&err_, std::move(o).error());
    }
  }
  template <typename U = T>
  requires(!std::is_same_v<std::remove_cvref_t<U>, std::in_place_t> &&
           !std::is_same_v<std::remove_cvref_t<U>, expected> &&
           !is_expected<std::remove_cvref_t<U>>::value &&
           !is_unexpected<std::remove_cvref_t<U>>::value &&
           std::is_constructible_v<T, U>) constexpr explicit(!std::is_convertible_v<U, T>)
      expected(U&& v)
      : has_(true) {
    std::construct_at(&val_, std::forward<U>(v));
  }
  template <typename G>
  requires std::is_constructible_v<E, const G&>
  constexpr explicit(!std::is_convertible_v<const G&, E>) expected(const unexpected<G>& u)
      : has_(false) {
    std::construct_at(&err_, u.error());
  }
  template <typename G>
  requires std::is_constructible_v<E, G>
  constexpr explicit(!std::is_convertible_v<G, E>) expected(unexpected<G>&& u) : has_(false) {
    std::construct_at(&err_, std::move(u).error());
  }
  template <typename... Args>
  constexpr explicit expected(std::in_place_t, Args&&... args) : has_(true) {
    std::construct_at(&val_, std::forward<Args>(args)...);
  }
  template <typename... Args>
  constexpr explicit expected(unexpect_t, Args&&... args) : has_(false) {
    std::construct_at(&err_, std::forward<Args>(args)...);
  }

  constexpr ~expected() { Destroy(); }

  constexpr expected& operator=(const expected& o) {
    if (this != &o) {
      if (has_ && o.has_) {
        val_ = o.val_;
      } else if (!has_ && !o.has_) {
        err_ = o.err_;
      } else {
        expected copy(o);
        Destroy();
        Adopt(std::move(copy));
      }
    }
    return *this;
  }
  constexpr expected& operator=(expected&& o) noexcept(
      std::is_nothrow_move_assignable_v<T>&& std::is_nothrow_move_assignable_v<E>&&
          std::is_nothrow_move_constructible_v<T>&& std::is_nothrow_move_constructible_v<E>) {
    if (this != &o) {
      if (has_ && o.has_) {
        val_ = std::move(o.val_);
      } else if (!has_ && !o.has_) {
        err_ = std::move(o.err_);
      } else {
        Destroy();
        Adopt(std::move(o));
      }
    }
    return *this;
  }
  template <typename U = T>
  requires(!std::is_same_v<std::remove_cvref_t<U>, expected> &&
           !is_unexpected<std::remove_cvref_t<U>>::value && std::is_constructible_v<T, U> &&
           std::is_assignable_v<T&, U>) constexpr expected&
  operator=(U&& v) {
    if (has_) {
      val_ = std::forward<U>(v);
    } else {
      std::destroy_at(&err_);
      std::construct_at(&val_, std::forward<U>(v));
      has_ = true;
    }
    return *this;
  }
  template <typename G>
  constexpr expected& operator=(const unexpected<G>& u) {
    return *this = expected(u);
  }
  template <typename G>
  constexpr expected& operator=(unexpected<G>&& u) {
    return *this = expected(std::move(u));
  }

  template <typename... Args>
  constexpr T& emplace(Args&&... args) {
    Destroy();
    std::construct_at(&val_, std::forward<Args>(args)...);
    has_ = true;
    return val_;
  }

  constexpr bool has_value() const noexcept { return has_; }
  constexpr explicit operator bool() const noexcept { return has_; }

  constexpr const T* operator->() const noexcept { return std::addressof(val_); }
  constexpr T* operator->() noexcept { return std::addressof(val_); }
  constexpr const T& operator*() const& noexcept { return val_; }
  constexpr T& operator*() & noexcept { return val_; }
  constexpr T&& operator*() && noexcept { return std::move(val_); }
  constexpr const T&& operator*() const&& noexcept { return std::move(val_); }

  constexpr const T& value() const& {
    if (!has_) BadExpectedAccess();
    return val_;
  }
  constexpr T& value() & {
    if (!has_) BadExpectedAccess();
    return val_;
  }
  constexpr T&& value() && {
    if (!has_) BadExpectedAccess();
    return std::move(val_);
  }
  constexpr const E& error() const& noexcept { return err_; }
  constexpr E& error() & noexcept { return err_; }
  constexpr E&& error() && noexcept { return std::move(err_); }

  template <typename U>
  constexpr T value_or(U&& v) const& {
    return has_ ? val_ : static_cast<T>(std::forward<U>(v));
  }
  template <typename U>
  constexpr T value_or(U&& v) && {
    return has_ ? std::move(val_) : static_cast<T>(std::forward<U>(v));
  }

  template <typename U>
  friend constexpr bool operator==(const expected& a,
                                   const U& v) requires(!is_expected<U>::value &&
                                                        !is_unexpected<U>::value) {
    return a.has_ && a.val_ == v;
  }
  template <typename G>
  friend constexpr bool operator==(const expected& a, const unexpected<G>& u) {
    return !a.has_ && a.err_ == u.error();
  }
  friend constexpr bool operator==(const expected& a, const expected& b) {
    if (a.has_ != b.has_) return false;
    return a.has_ ? a.val_ == b.val_ : a.err_ == b.err_;
  }

 private:
  constexpr void Destroy() {
    if (has_) {
      std::destroy_at(&val_);
    } else {
      std::destroy_at(&err_);
    }
  }
  // Constructs from `o` into storage that holds nothing.
  constexpr void Adopt(expected&& o) {
    has_ = o.has_;
    if (has_) {
      std::construct_at(&val_, std::move(o.val_));
    } else {
      std::construct_at(&err_, std::move(o.err_));
    }
  }

  union {
    T val_;
    E err_;
  };
  bool has_;
};

template <typename E>
class expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;
  using unexpected_type = unexpected<E>;

  constexpr expected() noexcept : has_(true) {}
  constexpr expected(const expected& o) : has_(o.has_) {
    if (!has_) std::construct_at(&err_, o.err_);
  }
  constexpr expected(expected&& o) noexcept(std::is_nothrow_move_constructible_v<E>)
      : has_(o.has_) {
    if (!has_) std::construct_at(&err_, std::move(o.err_));
  }
  template <typename G>
  requires std::is_constructible_v<E, const G&>
  constexpr explicit(!std::is_convertible_v<const G&, E>) expected(const unexpected<G>& u)
      : has_(false) {
    std::construct_at(&err_, u.error());
  }
  template <typename G>
  requires std::is_constructible_v<E, G>
  constexpr explicit(!std::is_convertible_v<G, E>) expected(unexpected<G>&& u) : has_(false) {
    std::construct_at(&err_, std::move(u).error());
  }
  constexpr explicit expected(std::in_place_t) noexcept : has_(true) {}
  template <typename... Args>
  constexpr explicit expected(unexpect_t, Args&&... args) : has_(false) {
    std::construct_at(&err_, std::forward<Args>(args)...);
  }
  constexpr ~expected() {
    if (!has_) std::destroy_at(&err_);
  }

  constexpr expected& operator=(const expected& o) {
    if (this != &o) {
      if (!has_ && !o.has_) {
        err_ = o.err_;
      } else if (!has_) {
        std::destroy_at(&err_);
        has_ = true;
      } else if (!o.has_) {
        std::construct_at(&err_, o.err_);
        has_ = false;
      }
    }
    return *this;
  }
  constexpr expected& operator=(expected&& o) noexcept(
      std::is_nothrow_move_constructible_v<E>&& std::is_nothrow_move_assignable_v<E>) {
    if (this != &o) {
      if (!has_ && !o.has_) {
        err_ = std::move(o.err_);
      } else if (!has_) {
        std::destroy_at(&err_);
        has_ = true;
      } else if (!o.has_) {
        std::construct_at(&err_, std::move(o.err_));
        has_ = false;
      }
    }
    return *this;
  }
  template <typename G>
  constexpr expected& operator=(const unexpected<G>& u) {
    return *this = expected(u);
  }
  template <typename G>
  constexpr expected& operator=(unexpected<G>&& u) {
    return *this = expected(std::move(u));
  }

  constexpr void emplace() noexcept {
    if (!has_) {
      std::destroy_at(&err_);
      has_ = true;
    }
  }
  constexpr bool has_value() const noexcept { return has_; }
  constexpr explicit operator bool() const noexcept { return has_; }
  constexpr void operator*() const noexcept {}
  constexpr void value() const {
    if (!has_) BadExpectedAccess();
  }
  constexpr const E& error() const& noexcept { return err_; }
  constexpr E& error() & noexcept { return err_; }
  constexpr E&& error() && noexcept { return std::move(err_); }

  template <typename G>
  friend constexpr bool operator==(const expected& a, const unexpected<G>& u) {
    return !a.has_ && a.err_ == u.error();
  }
  friend constexpr bool operator==(const expected& a, const expected& b) {
    if (a.has_ != b.has_) return false;
    return a.has_ || a.err_ == b.err_;
  }

 private:
  union {
    E err_;
  };
  bool has_;
};

}  // namespace goldthread::base_internal

#endif  // GOLDTHREAD_STORE_BASE_INTERNAL_EXPECTED_H_
