//! The allocator, and the one option `serve` sets on it.
//!
//! mimalloc serves every process that links kommhub (the binary, tests,
//! benchmarks): glibc's allocator spent most of a `serve` edit on 20,000
//! pages consolidating and freeing small blocks (ARCHITECTURE.md).
//!
//! The only `unsafe` code of the crate is here: a call into mimalloc's C
//! API to set an option, which its documentation allows at any time.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps memory the process freed for its own reuse for `minutes`
/// instead of handing it back to the system 10 ms after it was freed
/// (mimalloc's default). A preview server frees a model's listings, a
/// run's rendered pages and its records after every edit and needs as
/// much again at the next save: memory handed back must be unmapped
/// (which interrupts the other core) and faulted in and zeroed again,
/// which made a date edit's listings take three times as long in `serve`
/// as in a benchmark (ARCHITECTURE.md).
#[allow(unsafe_code)]
pub fn keep_freed_memory(minutes: u32) {
    let millis = i64::from(minutes) * 60_000;
    let value = std::ffi::c_long::try_from(millis).unwrap_or(std::ffi::c_long::MAX);
    // SAFETY: `mi_option_set` takes any option number below
    // `_mi_option_last` and any value; 15 is `mi_option_purge_delay` in
    // the mimalloc (v3) that libmimalloc-sys builds, whose Rust constants
    // do not name it.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, value) };
}

/// `mi_option_purge_delay` of mimalloc's `mimalloc.h`.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
