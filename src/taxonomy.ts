// arXiv's subject classes by code, with their published names: what a reader sees instead of `cs.CV`,
// and the words a subscriber would type for a field.

/** Name of each arXiv category (aliases included: cs.SY = eess.SY, math.IT = cs.IT, math.MP = math-ph, stat.TH = math.ST). */
export const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  'astro-ph': 'Astrophysics', 'astro-ph.CO': 'Cosmology and Nongalactic Astrophysics',
  'astro-ph.EP': 'Earth and Planetary Astrophysics', 'astro-ph.GA': 'Astrophysics of Galaxies',
  'astro-ph.HE': 'High Energy Astrophysical Phenomena', 'astro-ph.IM': 'Instrumentation and Methods for Astrophysics',
  'astro-ph.SR': 'Solar and Stellar Astrophysics',
  'cond-mat.dis-nn': 'Disordered Systems and Neural Networks', 'cond-mat.mes-hall': 'Mesoscale and Nanoscale Physics',
  'cond-mat.mtrl-sci': 'Materials Science', 'cond-mat.other': 'Other Condensed Matter', 'cond-mat.quant-gas': 'Quantum Gases',
  'cond-mat.soft': 'Soft Condensed Matter', 'cond-mat.stat-mech': 'Statistical Mechanics',
  'cond-mat.str-el': 'Strongly Correlated Electrons', 'cond-mat.supr-con': 'Superconductivity',
  'cs.AI': 'Artificial Intelligence', 'cs.AR': 'Hardware Architecture', 'cs.CC': 'Computational Complexity',
  'cs.CE': 'Computational Engineering, Finance, and Science', 'cs.CG': 'Computational Geometry',
  'cs.CL': 'Computation and Language', 'cs.CR': 'Cryptography and Security', 'cs.CV': 'Computer Vision and Pattern Recognition',
  'cs.CY': 'Computers and Society', 'cs.DB': 'Databases', 'cs.DC': 'Distributed, Parallel, and Cluster Computing',
  'cs.DL': 'Digital Libraries', 'cs.DM': 'Discrete Mathematics', 'cs.DS': 'Data Structures and Algorithms',
  'cs.ET': 'Emerging Technologies', 'cs.FL': 'Formal Languages and Automata Theory', 'cs.GL': 'General Literature',
  'cs.GR': 'Graphics', 'cs.GT': 'Computer Science and Game Theory', 'cs.HC': 'Human-Computer Interaction',
  'cs.IR': 'Information Retrieval', 'cs.IT': 'Information Theory', 'cs.LG': 'Machine Learning',
  'cs.LO': 'Logic in Computer Science', 'cs.MA': 'Multiagent Systems', 'cs.MM': 'Multimedia', 'cs.MS': 'Mathematical Software',
  'cs.NA': 'Numerical Analysis', 'cs.NE': 'Neural and Evolutionary Computing', 'cs.NI': 'Networking and Internet Architecture',
  'cs.OH': 'Other Computer Science', 'cs.OS': 'Operating Systems', 'cs.PF': 'Performance', 'cs.PL': 'Programming Languages',
  'cs.RO': 'Robotics', 'cs.SC': 'Symbolic Computation', 'cs.SD': 'Sound', 'cs.SE': 'Software Engineering',
  'cs.SI': 'Social and Information Networks', 'cs.SY': 'Systems and Control',
  'econ.EM': 'Econometrics', 'econ.GN': 'General Economics', 'econ.TH': 'Theoretical Economics',
  'eess.AS': 'Audio and Speech Processing', 'eess.IV': 'Image and Video Processing', 'eess.SP': 'Signal Processing',
  'eess.SY': 'Systems and Control',
  'gr-qc': 'General Relativity and Quantum Cosmology', 'hep-ex': 'High Energy Physics - Experiment',
  'hep-lat': 'High Energy Physics - Lattice', 'hep-ph': 'High Energy Physics - Phenomenology',
  'hep-th': 'High Energy Physics - Theory',
  'math.AC': 'Commutative Algebra', 'math.AG': 'Algebraic Geometry', 'math.AP': 'Analysis of PDEs', 'math.AT': 'Algebraic Topology',
  'math.CA': 'Classical Analysis and ODEs', 'math.CO': 'Combinatorics', 'math.CT': 'Category Theory', 'math.CV': 'Complex Variables',
  'math.DG': 'Differential Geometry', 'math.DS': 'Dynamical Systems', 'math.FA': 'Functional Analysis',
  'math.GM': 'General Mathematics', 'math.GN': 'General Topology', 'math.GR': 'Group Theory', 'math.GT': 'Geometric Topology',
  'math.HO': 'History and Overview', 'math.IT': 'Information Theory', 'math.KT': 'K-Theory and Homology', 'math.LO': 'Logic',
  'math.MG': 'Metric Geometry', 'math.MP': 'Mathematical Physics', 'math.NA': 'Numerical Analysis', 'math.NT': 'Number Theory',
  'math.OA': 'Operator Algebras', 'math.OC': 'Optimization and Control', 'math.PR': 'Probability', 'math.QA': 'Quantum Algebra',
  'math.RA': 'Rings and Algebras', 'math.RT': 'Representation Theory', 'math.SG': 'Symplectic Geometry',
  'math.SP': 'Spectral Theory', 'math.ST': 'Statistics Theory', 'math-ph': 'Mathematical Physics',
  'nlin.AO': 'Adaptation and Self-Organizing Systems', 'nlin.CD': 'Chaotic Dynamics', 'nlin.CG': 'Cellular Automata and Lattice Gases',
  'nlin.PS': 'Pattern Formation and Solitons', 'nlin.SI': 'Exactly Solvable and Integrable Systems',
  'nucl-ex': 'Nuclear Experiment', 'nucl-th': 'Nuclear Theory',
  'physics.acc-ph': 'Accelerator Physics', 'physics.ao-ph': 'Atmospheric and Oceanic Physics', 'physics.app-ph': 'Applied Physics',
  'physics.atm-clus': 'Atomic and Molecular Clusters', 'physics.atom-ph': 'Atomic Physics', 'physics.bio-ph': 'Biological Physics',
  'physics.chem-ph': 'Chemical Physics', 'physics.class-ph': 'Classical Physics', 'physics.comp-ph': 'Computational Physics',
  'physics.data-an': 'Data Analysis, Statistics and Probability', 'physics.ed-ph': 'Physics Education',
  'physics.flu-dyn': 'Fluid Dynamics', 'physics.gen-ph': 'General Physics', 'physics.geo-ph': 'Geophysics',
  'physics.hist-ph': 'History and Philosophy of Physics', 'physics.ins-det': 'Instrumentation and Detectors',
  'physics.med-ph': 'Medical Physics', 'physics.optics': 'Optics', 'physics.plasm-ph': 'Plasma Physics',
  'physics.pop-ph': 'Popular Physics', 'physics.soc-ph': 'Physics and Society', 'physics.space-ph': 'Space Physics',
  'q-bio.BM': 'Biomolecules', 'q-bio.CB': 'Cell Behavior', 'q-bio.GN': 'Genomics', 'q-bio.MN': 'Molecular Networks',
  'q-bio.NC': 'Neurons and Cognition', 'q-bio.OT': 'Other Quantitative Biology', 'q-bio.PE': 'Populations and Evolution',
  'q-bio.QM': 'Quantitative Methods', 'q-bio.SC': 'Subcellular Processes', 'q-bio.TO': 'Tissues and Organs',
  'q-fin.CP': 'Computational Finance', 'q-fin.EC': 'Economics', 'q-fin.GN': 'General Finance', 'q-fin.MF': 'Mathematical Finance',
  'q-fin.PM': 'Portfolio Management', 'q-fin.PR': 'Pricing of Securities', 'q-fin.RM': 'Risk Management',
  'q-fin.ST': 'Statistical Finance', 'q-fin.TR': 'Trading and Market Microstructure', 'quant-ph': 'Quantum Physics',
  'stat.AP': 'Applications', 'stat.CO': 'Computation', 'stat.ME': 'Methodology', 'stat.ML': 'Machine Learning',
  'stat.OT': 'Other Statistics', 'stat.TH': 'Statistics Theory',
};

/** Name of each archive (the part of a code before the dot). */
export const ARCHIVE_NAMES: Readonly<Record<string, string>> = {
  'astro-ph': 'Astrophysics', 'cond-mat': 'Condensed Matter', cs: 'Computer Science', econ: 'Economics',
  eess: 'Electrical Engineering and Systems Science', 'gr-qc': 'General Relativity and Quantum Cosmology',
  'hep-ex': 'High Energy Physics', 'hep-lat': 'High Energy Physics', 'hep-ph': 'High Energy Physics',
  'hep-th': 'High Energy Physics', math: 'Mathematics', 'math-ph': 'Mathematical Physics', nlin: 'Nonlinear Sciences',
  'nucl-ex': 'Nuclear Physics', 'nucl-th': 'Nuclear Physics', physics: 'Physics', 'q-bio': 'Quantitative Biology',
  'q-fin': 'Quantitative Finance', 'quant-ph': 'Quantum Physics', stat: 'Statistics', journal: 'Journals',
  biorxiv: 'bioRxiv (biology preprints)', medrxiv: 'medRxiv (health sciences preprints)',
};

/** Names of the journal feeds the operator added (`journal.<…>` codes), as the store last listed them. */
const journalNames = new Map<string, string>();

/** Replaces the names of the journal feeds (code → name): called with the feeds table's rows when they are read. */
export function setJournalNames(entries: Iterable<readonly [string, string]>): void {
  journalNames.clear();
  for (const [code, name] of entries) journalNames.set(code, name);
}

/** The journal feeds' codes, as last set. */
export function journalCodes(): string[] {
  return [...journalNames.keys()];
}

/** True for a category a subscriber may follow: one of arXiv's, or a journal feed the operator added. */
export function isOfferedCategory(code: string): boolean {
  return isKnownCategory(code) || SUBJECTS.has(code) || journalNames.has(code);
}

/** bioRxiv's and medRxiv's subject areas, as their sites name them. */
export const RXIV_SUBJECTS: Readonly<Record<'biorxiv' | 'medrxiv', readonly string[]>> = {
  biorxiv: ['Animal Behavior and Cognition', 'Biochemistry', 'Bioengineering', 'Bioinformatics', 'Biophysics', 'Cancer Biology',
    'Cell Biology', 'Clinical Trials', 'Developmental Biology', 'Ecology', 'Epidemiology', 'Evolutionary Biology', 'Genetics',
    'Genomics', 'Immunology', 'Microbiology', 'Molecular Biology', 'Neuroscience', 'Paleontology', 'Pathology',
    'Pharmacology and Toxicology', 'Physiology', 'Plant Biology', 'Scientific Communication and Education', 'Synthetic Biology',
    'Systems Biology', 'Zoology'],
  medrxiv: ['Addiction Medicine', 'Allergy and Immunology', 'Anesthesia', 'Cardiovascular Medicine', 'Dentistry and Oral Medicine',
    'Dermatology', 'Emergency Medicine', 'Endocrinology (including Diabetes Mellitus and Metabolic Disease)', 'Epidemiology',
    'Forensic Medicine', 'Gastroenterology and Hepatology', 'Genetic and Genomic Medicine', 'Geriatric Medicine', 'Health Economics',
    'Health Informatics', 'Health Policy', 'Health Systems and Quality Improvement', 'Hematology', 'HIV/AIDS',
    'Infectious Diseases (except HIV/AIDS)', 'Intensive Care and Critical Care Medicine', 'Medical Education', 'Medical Ethics',
    'Nephrology', 'Neurology', 'Nursing', 'Nutrition', 'Obstetrics and Gynecology', 'Occupational and Environmental Health',
    'Oncology', 'Ophthalmology', 'Orthopedics', 'Otolaryngology', 'Pain Medicine', 'Palliative Medicine', 'Pathology', 'Pediatrics',
    'Pharmacology and Therapeutics', 'Primary Care Research', 'Psychiatry and Clinical Psychology', 'Public and Global Health',
    'Radiology and Imaging', 'Rehabilitation Medicine and Physical Therapy', 'Respiratory Medicine', 'Rheumatology',
    'Sexual and Reproductive Health', 'Sports Medicine', 'Surgery', 'Toxicology', 'Transplantation', 'Urology'],
};

/** The category code of a bioRxiv or medRxiv subject: `biorxiv.cell-biology`, `medrxiv.infectious-diseases-except-hiv-aids`
 *  (letters and hyphens, at most 40 characters: shaped like an arXiv category, so forms and ranking treat it as one). */
export function subjectCode(server: 'biorxiv' | 'medrxiv', subject: string): string {
  const slug = subject.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-+|-+$/g, '');
  return `${server}.${slug}`.slice(0, 40).replace(/-+$/, '');
}

/** Name of each bioRxiv and medRxiv subject code, and the subject as the details API's `category` asks for it. */
export const SUBJECTS: ReadonlyMap<string, { server: 'biorxiv' | 'medrxiv'; name: string; query: string }> = new Map(
  (['biorxiv', 'medrxiv'] as const).flatMap((server) => RXIV_SUBJECTS[server].map((name) =>
    [subjectCode(server, name), { server, name, query: name.toLowerCase().replace(/ /g, '_') }] as const)));

/** Codes arXiv lists as another category's alias: each is offered under the category it stands for. */
export const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  'cs.SY': 'eess.SY', 'math.IT': 'cs.IT', 'math.MP': 'math-ph', 'stat.TH': 'math.ST',
};

/** Every category the sign-up form offers: all of arXiv's taxonomy but the aliases, so no field is offered twice. */
export const LISTED_CATEGORIES: readonly string[] = [
  ...Object.keys(CATEGORY_NAMES).filter((c) => !Object.hasOwn(CATEGORY_ALIASES, c)), ...SUBJECTS.keys()];

/** The published name of a category code, or undefined for a code arXiv does not list. */
export function categoryName(code: string): string | undefined {
  return Object.hasOwn(CATEGORY_NAMES, code) ? CATEGORY_NAMES[code] : SUBJECTS.get(code)?.name ?? journalNames.get(code);
}

/** True for a category code arXiv lists (CATEGORY_NAMES): the only ones a subscriber may follow, each being an
 *  announcement feed fetched for them. */
export function isKnownCategory(code: string): boolean {
  return Object.hasOwn(CATEGORY_NAMES, code);
}

/** The archive a category belongs to (`cs` for `cs.CV`, `hep-th` for `hep-th`). */
export function archiveOf(code: string): string {
  const dot = code.indexOf('.');
  return dot < 0 ? code : code.slice(0, dot);
}
