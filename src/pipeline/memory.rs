//! What `serve` remembers between runs: per output unit, what it read and
//! which files it made; per input, its version and who read it.
//!
//! A run asks [`Memory::plan`] which units must render: those that read an
//! input whose version changed, and those that are new. The versions
//! compared are only those the run's [`Scope`] says may have changed (an
//! edit patched into the model cannot move a listing), so a body edit
//! looks at a handful of inputs, not at every page. After rendering,
//! [`Memory::outcome`] works out which files are gone and whether two
//! units now make the same file, without changing anything; only a run
//! without errors is [`Memory::commit`]ted, so after a failed run the
//! memory still describes what the preview folder holds.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::versions::{self, Key, Sources, Version};
use crate::diagnostics::Diagnostic;
use crate::render::{self, OutputFile, Unit, UnitOutput};
use crate::site_path::SitePath;

/// Which inputs a run may have changed.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Any: the model was assembled again (or the first run).
    Everything,
    /// Only these. A run that patched page-level edits into the last
    /// model says so ([`crate::model::patch::Patched::Pages`]): such a
    /// patch moves no address, date, translation, listing or alias, so
    /// the [`crate::reads::Read::Structure`] and every other input but the
    /// edited pages (and the theme's parts, when it changed) stay as they
    /// were.
    Only(Vec<Key>),
}

/// What a unit made and read when it last rendered.
#[derive(Debug)]
pub struct Record {
    reads: KeyReads,
    files: Vec<SitePath>,
    problems: Vec<Diagnostic>,
}

/// A unit's reads as inputs ([`crate::reads::Reads`] with pages named by
/// address): the part many units share is kept once for all of them.
#[derive(Debug, Default)]
struct KeyReads {
    shared: std::sync::Arc<[Key]>,
    own: Vec<Key>,
}

impl KeyReads {
    fn iter(&self) -> impl Iterator<Item = &Key> {
        self.shared.iter().chain(&self.own)
    }
}

/// Turns units' [`crate::reads::Reads`] into [`KeyReads`], the keys of
/// each shared part made once and shared as the part itself is.
#[derive(Default)]
struct KeyedShares(HashMap<std::sync::Arc<[crate::reads::Read]>, std::sync::Arc<[Key]>>);

impl KeyedShares {
    fn keyed(&mut self, reads: crate::reads::Reads, site: &crate::model::Site) -> KeyReads {
        let shared = reads.shared();
        let keys = match self.0.get(shared) {
            Some(keys) => std::sync::Arc::clone(keys),
            None => {
                let keys: std::sync::Arc<[Key]> = shared
                    .iter()
                    .map(|read| Key::of(site, read.clone()))
                    .collect();
                self.0
                    .insert(std::sync::Arc::clone(shared), std::sync::Arc::clone(&keys));
                keys
            }
        };
        KeyReads {
            shared: keys,
            own: reads
                .own()
                .iter()
                .map(|read| Key::of(site, read.clone()))
                .collect(),
        }
    }
}

/// The units to render in one run, and what was learnt deciding it.
pub struct Plan {
    pub dirty: Vec<Unit>,
    /// Every unit of the site after an assembly (`None`: unchanged).
    units: Option<Vec<Unit>>,
    /// Units the last run had and this site has not.
    gone: Vec<Unit>,
    /// Versions taken in this run (`None`: the input is gone).
    now: HashMap<Key, Option<Version>>,
}

/// How an assembled site's units differ from the remembered ones
/// ([`Memory::survey`]). A run that patched the last model has none: its
/// site has the units the last one had.
#[derive(Debug)]
pub struct Survey {
    /// Every unit of the site, in order: what the memory keeps once the
    /// run is committed.
    pub units: Vec<Unit>,
    /// Units the memory does not know.
    pub new: Vec<Unit>,
    /// Remembered units the site no longer has.
    pub gone: Vec<Unit>,
}

/// What a run's rendering changes, not yet committed.
pub struct Outcome {
    pub files: Vec<OutputFile>,
    /// Files the memory knows that no unit makes any more.
    pub removed: Vec<SitePath>,
    /// The problems of every unit (fresh or remembered) and of two units
    /// making one file.
    pub problems: Vec<Diagnostic>,
    records: HashMap<Unit, Record>,
    /// Versions of inputs first read in this run.
    added: HashMap<Key, Option<Version>>,
}

#[derive(Default)]
pub struct Memory {
    records: HashMap<Unit, Record>,
    readers: HashMap<Key, HashSet<Unit>>,
    versions: HashMap<Key, Version>,
    owners: HashMap<SitePath, Unit>,
    /// Every unit of the site the last committed assembly made, in the
    /// order [`render::units`] lists them (the units of `records`, in
    /// order); empty when not known (a memory read from the build cache).
    units: Vec<Unit>,
    /// A build's memory: it is committed once and then only stored, so
    /// [`Memory::commit`] keeps the records and versions and skips the
    /// maps from inputs to readers and from files to owners, which only a
    /// later plan would ask (at 10,000 releases about 150 MB).
    lean: bool,
}

impl Memory {
    /// Which units must render: those reading a changed input and, after
    /// an assembly, the new ones of the `survey` (whose gone units the
    /// plan keeps for [`Memory::outcome`]).
    pub fn plan(&self, sources: &Sources, scope: &Scope, survey: Option<Survey>) -> Plan {
        let keys: Vec<&Key> = match scope {
            Scope::Everything => self.readers.keys().collect(),
            Scope::Only(keys) => keys
                .iter()
                .filter(|k| self.readers.contains_key(*k))
                .collect(),
        };
        let now = versions::versions(sources, keys);
        let changed: Vec<&Key> = now
            .iter()
            .filter(|(key, version)| version.as_ref() != self.versions.get(*key))
            .map(|(key, _)| key)
            .collect();
        let (units, new, gone) = match survey {
            Some(Survey { units, new, gone }) => (Some(units), new, gone),
            None => (None, Vec::new(), Vec::new()),
        };
        let mut dirty: HashSet<&Unit> = new.iter().collect();
        for key in changed {
            dirty.extend(self.readers.get(key).into_iter().flatten());
        }
        // A gone unit still reads what it read; rendered, it would make
        // nothing and be remembered again as a unit the site has.
        for unit in &gone {
            dirty.remove(unit);
        }
        let mut dirty: Vec<Unit> = dirty.into_iter().cloned().collect();
        dirty.sort();
        Plan {
            dirty,
            units,
            gone,
            now,
        }
    }

    /// How `units`, every unit of an assembled site, differ from the
    /// remembered ones. An edit adds or removes a few units and leaves the
    /// others in the order they had, so the two lists are walked side by
    /// side ([`changes_in_order`]): looking each unit up in the records
    /// cost a structural edit in `serve` 9 ms at 20,000 pages, the walk
    /// well under one. Without the last list in order (a memory read from
    /// the build cache) the units are looked up.
    pub fn survey(&self, units: Vec<Unit>) -> Survey {
        let (new, gone) = match self.units.len() == self.records.len() {
            true => changes_in_order(&self.units, &units),
            false => self.changes_by_lookup(&units),
        };
        Survey { units, new, gone }
    }

    /// The units of `units` the records lack, and the records' units
    /// `units` lacks.
    fn changes_by_lookup(&self, units: &[Unit]) -> (Vec<Unit>, Vec<Unit>) {
        let new: Vec<Unit> = units
            .iter()
            .filter(|unit| !self.records.contains_key(*unit))
            .cloned()
            .collect();
        // The units are distinct (one per address of a page, listing,
        // standard or press kit, and one of each other kind): when every
        // remembered one was found, none is gone.
        if units.len() - new.len() == self.records.len() {
            return (new, Vec::new());
        }
        let present: HashSet<&Unit> = units.iter().collect();
        let gone = self
            .records
            .keys()
            .filter(|unit| !present.contains(unit))
            .cloned()
            .collect();
        (new, gone)
    }

    /// The units worth rendering before the others: of `wanted`, those
    /// the site has; and, after an assembly (`survey`) and when the
    /// memory is not empty, the units that are new. Cheap: no version is
    /// compared.
    pub fn first(&self, wanted: &[Unit], survey: Option<&Survey>) -> Vec<Unit> {
        let has = self.presence(survey);
        let mut first: HashSet<&Unit> = wanted.iter().filter(|unit| has(unit)).collect();
        if let Some(survey) = survey.filter(|_| !self.records.is_empty()) {
            first.extend(&survey.new);
        }
        let mut first: Vec<Unit> = first.into_iter().cloned().collect();
        first.sort();
        first
    }

    /// Whether the site has a unit: after an assembly, a remembered unit
    /// the `survey` did not find gone, or a new one; without one (a patch
    /// of the last model), a remembered unit.
    pub fn presence<'a>(&'a self, survey: Option<&'a Survey>) -> impl Fn(&Unit) -> bool + 'a {
        let changed = survey.map(|survey| {
            let gone: HashSet<&Unit> = survey.gone.iter().collect();
            let new: HashSet<&Unit> = survey.new.iter().collect();
            (gone, new)
        });
        move |unit| match (&changed, self.records.contains_key(unit)) {
            (Some((gone, _)), true) => !gone.contains(unit),
            (Some((_, new)), false) => new.contains(unit),
            (None, known) => known,
        }
    }

    /// The files the memory knows `units` made.
    pub fn files_of(&self, units: &[Unit]) -> Vec<SitePath> {
        units
            .iter()
            .filter_map(|unit| self.records.get(unit))
            .flat_map(|record| record.files.iter().cloned())
            .collect()
    }

    /// Whether a remembered unit makes the file.
    pub fn owns(&self, path: &SitePath) -> bool {
        self.owners.contains_key(path)
    }

    /// What rendering `outputs` changes, judged against the memory.
    pub fn outcome(&self, plan: &Plan, outputs: Vec<UnitOutput>, sources: &Sources) -> Outcome {
        let mut records = HashMap::with_capacity_and_hasher(outputs.len(), Default::default());
        let mut files = Vec::new();
        let mut shares = KeyedShares::default();
        for output in outputs {
            let record = Record {
                reads: shares.keyed(output.reads, sources.site),
                files: output.files.iter().map(|f| f.path.clone()).collect(),
                problems: output.problems,
            };
            records.insert(output.unit, record);
            files.extend(output.files);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let fresh: HashSet<&Key> = records
            .values()
            .flat_map(|r| r.reads.iter())
            .filter(|key| !plan.now.contains_key(*key) && !self.versions.contains_key(*key))
            .collect();
        let added = versions::versions(sources, fresh);
        let replaced: HashSet<&Unit> = plan.gone.iter().chain(records.keys()).collect();
        let mut outcome = Outcome {
            removed: self.removed(&replaced, &files),
            problems: self.problems(&replaced, &records),
            files,
            records: HashMap::default(),
            added,
        };
        outcome.problems.extend(self.conflicts(&replaced, &records));
        outcome.records = records;
        outcome
    }

    /// Files of replaced units that no fresh file takes the place of.
    fn removed(&self, replaced: &HashSet<&Unit>, files: &[OutputFile]) -> Vec<SitePath> {
        let made: HashSet<&SitePath> = files.iter().map(|f| &f.path).collect();
        let mut removed: Vec<SitePath> = replaced
            .iter()
            .filter_map(|unit| self.records.get(*unit))
            .flat_map(|record| &record.files)
            .filter(|path| !made.contains(path))
            .cloned()
            .collect();
        removed.sort();
        removed.dedup();
        removed
    }

    /// The problems of fresh units and of remembered ones still standing.
    fn problems(
        &self,
        replaced: &HashSet<&Unit>,
        records: &HashMap<Unit, Record>,
    ) -> Vec<Diagnostic> {
        let remembered = self
            .records
            .iter()
            .filter(|(unit, record)| !record.problems.is_empty() && !replaced.contains(unit));
        remembered
            .map(|(_, record)| record)
            .chain(records.values())
            .flat_map(|record| record.problems.iter().cloned())
            .collect()
    }

    /// One error per file two units would make: two fresh ones, or a
    /// fresh one and one the memory keeps.
    fn conflicts(
        &self,
        replaced: &HashSet<&Unit>,
        records: &HashMap<Unit, Record>,
    ) -> Vec<Diagnostic> {
        let mut taken: HashMap<&SitePath, &Unit> = HashMap::default();
        let mut problems = Vec::new();
        for (unit, record) in records {
            for path in &record.files {
                let kept_owner = self
                    .owners
                    .get(path)
                    .filter(|owner| *owner != unit && !replaced.contains(owner));
                let fresh_owner = taken.insert(path, unit).filter(|owner| *owner != unit);
                if kept_owner.is_some() || fresh_owner.is_some() {
                    problems.push(render::conflict(path));
                }
            }
        }
        problems
    }

    /// Makes `outcome` what the memory knows.
    pub fn commit(&mut self, plan: Plan, outcome: Outcome) {
        for unit in plan.gone.iter().chain(outcome.records.keys()) {
            self.forget(unit);
        }
        if let Some(units) = plan.units {
            self.units = units;
        }
        if self.lean {
            self.records.extend(outcome.records);
            let versions = plan.now.into_iter().chain(outcome.added);
            self.versions
                .extend(versions.filter_map(|(key, version)| Some((key, version?))));
            return;
        }
        for (unit, record) in outcome.records {
            for key in record.reads.iter() {
                self.readers
                    .entry(key.clone())
                    .or_default()
                    .insert(unit.clone());
            }
            for path in &record.files {
                self.owners.insert(path.clone(), unit.clone());
            }
            self.records.insert(unit, record);
        }
        for (key, version) in plan.now.into_iter().chain(outcome.added) {
            match version {
                Some(version) => self.versions.insert(key, version),
                None => self.versions.remove(&key),
            };
        }
        // Inputs nobody reads any more.
        let readers = &self.readers;
        self.versions.retain(|key, _| readers.contains_key(key));
    }

    /// Removes what `unit` read and made.
    fn forget(&mut self, unit: &Unit) {
        let Some(record) = self.records.remove(unit) else {
            return;
        };
        for key in record.reads.iter() {
            if let Some(readers) = self.readers.get_mut(key) {
                readers.remove(unit);
                if readers.is_empty() {
                    self.readers.remove(key);
                }
            }
        }
        for path in &record.files {
            if self.owners.get(path) == Some(unit) {
                self.owners.remove(path);
            }
        }
    }

    /// The recorded inputs of a kind (all templates, all strings …).
    pub fn keys_where(&self, wanted: impl Fn(&Key) -> bool) -> Vec<Key> {
        self.readers.keys().filter(|k| wanted(k)).cloned().collect()
    }
}

/// A [`Memory`] as the build cache keeps it on disk (`cache.rs`): each
/// input once, with its version, and each unit naming its inputs by their
/// place in that list.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Stored {
    keys: Vec<(Key, Option<u64>)>,
    units: Vec<StoredUnit>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredUnit {
    unit: Unit,
    reads: Vec<u32>,
    files: Vec<SitePath>,
    problems: Vec<StoredProblem>,
}

/// A unit's warning, with its code by name.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredProblem {
    file: std::path::PathBuf,
    line: usize,
    column: usize,
    error: bool,
    code: String,
    message: String,
    help: String,
}

impl Memory {
    /// A build's memory, committed without the maps only a later plan
    /// reads.
    pub fn made_lean(mut self) -> Memory {
        self.lean = true;
        self
    }

    /// What the build cache writes of this memory: the inputs its units
    /// read, each once, and each unit naming them by their place. Each
    /// record is let go of as soon as it is stored.
    pub fn into_stored(self) -> Stored {
        let mut keys: Vec<&Key> = self.records.values().flat_map(|r| r.reads.iter()).collect();
        keys.sort_unstable();
        keys.dedup();
        let stored_keys: Vec<(Key, Option<u64>)> = keys
            .iter()
            .map(|key| ((*key).clone(), self.versions.get(*key).map(|v| v.0)))
            .collect();
        drop(keys);
        let place: HashMap<&Key, u32> = stored_keys
            .iter()
            .zip(0u32..)
            .map(|((k, _), i)| (k, i))
            .collect();
        let mut units: Vec<StoredUnit> = Vec::with_capacity(self.records.len());
        for (unit, record) in self.records {
            units.push(StoredUnit {
                unit,
                reads: record
                    .reads
                    .iter()
                    .filter_map(|k| place.get(k).copied())
                    .collect(),
                problems: record.problems.iter().map(StoredProblem::of).collect(),
                files: record.files,
            });
        }
        drop(place);
        units.sort_by(|a, b| a.unit.cmp(&b.unit));
        Stored {
            keys: stored_keys,
            units,
        }
    }
}

impl Stored {
    /// Every file the stored units make.
    pub fn files(&self) -> impl Iterator<Item = &SitePath> {
        self.units.iter().flat_map(|unit| &unit.files)
    }
}

impl Memory {
    /// The memory `stored` describes; an error when it does not hold
    /// together (a read that names no input, a code kommhub does not know).
    pub fn from_stored(stored: Stored) -> Result<Memory, String> {
        let keys: Vec<Key> = stored.keys.iter().map(|(key, _)| key.clone()).collect();
        let mut memory = Memory::default();
        for (key, version) in stored.keys {
            if let Some(print) = version {
                memory.versions.insert(key, Version(print));
            }
        }
        for stored_unit in stored.units {
            let reads = stored_unit
                .reads
                .iter()
                .map(|at| keys.get(*at as usize).cloned())
                .collect::<Option<Vec<Key>>>()
                .ok_or("a unit reads an input the cache does not list")?;
            let problems = stored_unit
                .problems
                .into_iter()
                .map(StoredProblem::into_diagnostic)
                .collect::<Result<Vec<_>, String>>()?;
            for key in &reads {
                let readers = memory.readers.entry(key.clone()).or_default();
                readers.insert(stored_unit.unit.clone());
            }
            for path in &stored_unit.files {
                memory.owners.insert(path.clone(), stored_unit.unit.clone());
            }
            let record = Record {
                reads: KeyReads {
                    shared: std::sync::Arc::default(),
                    own: reads,
                },
                files: stored_unit.files,
                problems,
            };
            memory.records.insert(stored_unit.unit, record);
        }
        Ok(memory)
    }

    /// Every file the remembered units make.
    pub fn files(&self) -> impl Iterator<Item = &SitePath> {
        self.owners.keys()
    }
}

impl StoredProblem {
    fn of(problem: &Diagnostic) -> StoredProblem {
        StoredProblem {
            file: problem.file.clone(),
            line: problem.line,
            column: problem.column,
            error: problem.is_error(),
            code: problem.code.to_string(),
            message: problem.message.clone(),
            help: problem.help.clone(),
        }
    }

    fn into_diagnostic(self) -> Result<Diagnostic, String> {
        let code: crate::diagnostics::Code = self
            .code
            .parse()
            .map_err(|_| format!("unknown code `{}`", self.code))?;
        let problem = match self.error {
            true => Diagnostic::error(code, &self.file, self.message, self.help),
            false => Diagnostic::warning(code, &self.file, self.message, self.help),
        };
        Ok(problem.at(self.line, self.column))
    }
}

/// The units of `now` that `before` lacks, and those of `before` that
/// `now` lacks; each list has every unit once. The two are walked side by
/// side; where they part, the next few units of each are searched for
/// where they meet again, and what lies between is added or removed. A
/// unit that moved further than that is first taken as removed and added
/// again, and those are struck from both lists at the end, so the result
/// is exact whatever the order; only its cost depends on it.
fn changes_in_order(before: &[Unit], now: &[Unit]) -> (Vec<Unit>, Vec<Unit>) {
    // How far after `at` the list has `unit` again, looking a little way.
    let ahead = |list: &[Unit], at: usize, unit: &Unit| {
        list[at + 1..].iter().take(64).position(|u| u == unit)
    };
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < before.len() && j < now.len() {
        if before[i] == now[j] {
            (i, j) = (i + 1, j + 1);
        } else if let Some(k) = ahead(before, i, &now[j]) {
            removed.extend_from_slice(&before[i..=i + k]);
            i += k + 1;
        } else if let Some(k) = ahead(now, j, &before[i]) {
            added.extend_from_slice(&now[j..=j + k]);
            j += k + 1;
        } else {
            removed.push(before[i].clone());
            added.push(now[j].clone());
            (i, j) = (i + 1, j + 1);
        }
    }
    removed.extend_from_slice(&before[i..]);
    added.extend_from_slice(&now[j..]);
    if !added.is_empty() && !removed.is_empty() {
        let in_added: HashSet<Unit> = added.iter().cloned().collect();
        let moved: HashSet<Unit> = removed
            .iter()
            .filter(|unit| in_added.contains(*unit))
            .cloned()
            .collect();
        added.retain(|unit| !moved.contains(unit));
        removed.retain(|unit| !moved.contains(unit));
    }
    (added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(names: &str) -> Vec<Unit> {
        names
            .split_whitespace()
            .map(|name| Unit::Page(format!("/{name}/")))
            .collect()
    }

    /// `changes_in_order`, sorted, against the same found with sets.
    fn check(before: &str, now: &str) {
        let (before, now) = (units(before), units(now));
        let (mut added, mut removed) = changes_in_order(&before, &now);
        added.sort();
        removed.sort();
        let mut expected_added: Vec<Unit> = now
            .iter()
            .filter(|u| !before.contains(u))
            .cloned()
            .collect();
        let mut expected_removed: Vec<Unit> = before
            .iter()
            .filter(|u| !now.contains(u))
            .cloned()
            .collect();
        expected_added.sort();
        expected_removed.sort();
        assert_eq!((added, removed), (expected_added, expected_removed));
    }

    #[test]
    fn units_added_removed_or_moved_are_found_exactly() {
        check("a b c d", "a b c d");
        check("a b c d", "a b x c d");
        check("a b c d", "a c d");
        check("a b c d", "x a b c d y");
        check("a b c d", "b c d a");
        check("a b c d", "d c b a");
        check("a b c d", "w x y z");
        check("", "a b");
        check("a b", "");
        // Further apart than the look-ahead.
        let many: Vec<String> = (0..300).map(|n| format!("p{n}")).collect();
        let mut shuffled = many.clone();
        shuffled.swap(3, 250);
        shuffled.insert(100, "neu".to_string());
        shuffled.remove(200);
        check(&many.join(" "), &shuffled.join(" "));
    }
}
