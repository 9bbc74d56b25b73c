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
    reads: Vec<Key>,
    files: Vec<SitePath>,
    problems: Vec<Diagnostic>,
}

/// The units to render in one run, and what was learnt deciding it.
pub struct Plan {
    pub dirty: Vec<Unit>,
    /// Units the last run had and this site has not.
    gone: Vec<Unit>,
    /// Versions taken in this run (`None`: the input is gone).
    now: HashMap<Key, Option<Version>>,
}

/// How an assembled site's units differ from the remembered ones
/// ([`Memory::survey`]); empty when the run patched the last model, which
/// has the units it had.
#[derive(Debug, Default)]
pub struct Survey {
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
}

impl Memory {
    /// Which units must render: those reading a changed input and, after
    /// an assembly, the new ones of the `survey` (whose gone units the
    /// plan keeps for [`Memory::outcome`]).
    pub fn plan(&self, sources: &Sources, scope: &Scope, survey: Survey) -> Plan {
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
        let Survey { new, gone } = survey;
        let mut dirty: HashSet<&Unit> = new.iter().collect();
        for key in changed {
            dirty.extend(self.readers.get(key).into_iter().flatten());
        }
        let mut dirty: Vec<Unit> = dirty.into_iter().cloned().collect();
        dirty.sort();
        Plan { dirty, gone, now }
    }

    /// How `units`, every unit of an assembled site, differ from the
    /// remembered ones. One look-up per unit: the units are distinct
    /// (one per address of a page, listing, standard or press kit, and
    /// one of each other kind), so when every remembered unit was found
    /// none is gone, and only otherwise are the units gathered into a set
    /// to find which. That set was built on every structural edit before,
    /// twice, and cost a deletion in `serve` about 10 ms before the page
    /// could go.
    pub fn survey(&self, units: &[Unit]) -> Survey {
        let new: Vec<Unit> = units
            .iter()
            .filter(|unit| !self.records.contains_key(*unit))
            .cloned()
            .collect();
        let gone = match units.len() - new.len() == self.records.len() {
            true => Vec::new(),
            false => {
                let present: HashSet<&Unit> = units.iter().collect();
                self.records
                    .keys()
                    .filter(|unit| !present.contains(unit))
                    .cloned()
                    .collect()
            }
        };
        Survey { new, gone }
    }

    /// The units worth rendering before the others: of `wanted`, those
    /// the site has; and, after an assembly (`survey`) and when the
    /// memory is not empty, the units that are new. Cheap: no version is
    /// compared.
    pub fn first(&self, wanted: &[Unit], survey: Option<&Survey>) -> Vec<Unit> {
        let mut first: HashSet<&Unit> = HashSet::default();
        match survey {
            Some(survey) => {
                let gone: HashSet<&Unit> = survey.gone.iter().collect();
                let new: HashSet<&Unit> = survey.new.iter().collect();
                first.extend(
                    wanted
                        .iter()
                        .filter(|unit| match self.records.contains_key(*unit) {
                            true => !gone.contains(unit),
                            false => new.contains(unit),
                        }),
                );
                if !self.records.is_empty() {
                    first.extend(&survey.new);
                }
            }
            // Without an assembly the site has the units it had.
            None => first.extend(wanted.iter().filter(|u| self.records.contains_key(*u))),
        }
        let mut first: Vec<Unit> = first.into_iter().cloned().collect();
        first.sort();
        first
    }

    /// The files the memory knows `units` made.
    pub fn files_of(&self, units: &[Unit]) -> Vec<SitePath> {
        units
            .iter()
            .filter_map(|unit| self.records.get(unit))
            .flat_map(|record| record.files.iter().cloned())
            .collect()
    }

    /// Whether the memory knows the unit.
    pub fn knows(&self, unit: &Unit) -> bool {
        self.records.contains_key(unit)
    }

    /// Whether a remembered unit makes the file.
    pub fn owns(&self, path: &SitePath) -> bool {
        self.owners.contains_key(path)
    }

    /// What rendering `outputs` changes, judged against the memory.
    pub fn outcome(&self, plan: &Plan, outputs: Vec<UnitOutput>, sources: &Sources) -> Outcome {
        let mut records = HashMap::with_capacity_and_hasher(outputs.len(), Default::default());
        let mut files = Vec::new();
        for output in outputs {
            let reads = output
                .reads
                .into_iter()
                .map(|read| Key::of(sources.site, read))
                .collect();
            let record = Record {
                reads,
                files: output.files.iter().map(|f| f.path.clone()).collect(),
                problems: output.problems,
            };
            records.insert(output.unit, record);
            files.extend(output.files);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let fresh: HashSet<&Key> = records
            .values()
            .flat_map(|r| &r.reads)
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
        for (unit, record) in outcome.records {
            for key in &record.reads {
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
        for key in &record.reads {
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
    /// What the build cache writes of this memory.
    pub fn to_stored(&self) -> Stored {
        let mut keys: Vec<&Key> = self.readers.keys().collect();
        keys.sort();
        let place: HashMap<&Key, u32> = keys.iter().zip(0u32..).map(|(k, i)| (*k, i)).collect();
        let mut units: Vec<StoredUnit> = self
            .records
            .iter()
            .map(|(unit, record)| StoredUnit {
                unit: unit.clone(),
                reads: record
                    .reads
                    .iter()
                    .filter_map(|k| place.get(k).copied())
                    .collect(),
                files: record.files.clone(),
                problems: record.problems.iter().map(StoredProblem::of).collect(),
            })
            .collect();
        units.sort_by(|a, b| a.unit.cmp(&b.unit));
        Stored {
            keys: keys
                .into_iter()
                .map(|key| (key.clone(), self.versions.get(key).map(|v| v.0)))
                .collect(),
            units,
        }
    }

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
                reads,
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
