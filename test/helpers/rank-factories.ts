// Test data factories for the ranker.
import type { Paper, Profile } from '../../src/model.js';

let seq = 0;

/** A paper with sensible defaults; override what the test cares about. */
export function paper(over: Partial<Paper> = {}): Paper {
  seq++;
  return {
    id: `2605.${String(10000 + seq)}`, title: `Paper ${seq}`, abstract: '', authors: ['Ann Author'],
    categories: ['cs.CV'], published: '2026-05-20', url: null, firstSeen: '2026-05-20T06:00:00Z', ...over,
  };
}

/** An empty profile with overrides. */
export function profile(over: Partial<Profile> = {}): Profile {
  return { keywords: [], categories: [], authors: [], about: '', papers: [], votes: [], ...over };
}

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Rosalind Franklin', 'Jean Tirole', 'Claude Shannon'];

/** A small corpus on distinct topics, so idf means something. */
export function corpus(): Paper[] {
  const topics = [
    ['Diffusion models for image editing', 'We edit images with a text-guided diffusion model and classifier-free guidance.'],
    ['Speech recognition with transformers', 'An end-to-end speech recognition system using a transformer encoder and CTC loss.'],
    ['Graph neural networks for molecules', 'Message passing graph neural networks predict molecular properties and drug binding.'],
    ['Reinforcement learning for robot grasping', 'A robot arm learns grasping policies with reinforcement learning in simulation.'],
    ['Large language model reasoning', 'Chain of thought prompting improves large language model reasoning on math benchmarks.'],
    ['Protein structure prediction', 'We predict protein structure from sequence with an attention network and evolutionary features.'],
    ['Auction design and mechanism', 'Optimal auction mechanism design for revenue maximization with strategic bidders.'],
    ['Channel coding for wireless', 'Polar codes and LDPC channel coding for low latency wireless communication.'],
  ];
  return topics.flatMap(([title, abstract], t) =>
    [0, 1, 2].map((k) => paper({ title: `${title} ${['', 'revisited', 'at scale'][k]}`.trim(), abstract, categories: [['cs.CV', 'cs.CL', 'cs.LG', 'cs.RO', 'cs.CL', 'q-bio.BM', 'cs.GT', 'cs.IT'][t]], authors: [NAMES[t], `${NAMES[(t + k + 1) % 8].split(' ')[0]} Coauthor`] })));
}
