// The CPython releases ftpy can build from python.org's tarballs, each with the SHA-256 its
// `Python-X.Y.Z.tar.xz` was published with. A tarball is used only when its bytes have that
// hash, whatever mirror served it. 3.13.5's was checked here against Debian's orig tarball of
// the same release (byte-identical); the others are as published with their releases.
const RELEASE_SHA256: Readonly<Record<string, string>> = {
  '3.13.0': '086de5882e3cb310d4dca48457522e2e48018ecd43da9cdf827f6a0759efb07d',
  '3.13.1': '9cf9427bee9e2242e3877dd0f6b641c1853ca461f39d6503ce260a59c80bf0d9',
  '3.13.2': 'd984bcc57cd67caab26f7def42e523b1c015bbc5dc07836cf4f0b63fa159eb56',
  '3.13.3': '40f868bcbdeb8149a3149580bb9bfd407b3321cd48f0be631af955ac92c0e041',
  '3.13.4': '27b15a797562a2971dce3ffe31bb216042ce0b995b39d768cf15f784cc757365',
  '3.13.5': '93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640',
  '3.13.6': '17ba5508819d8736a14fbfc47d36e184946a877851b2e9c4b6c43acb44a3b104',
  '3.13.7': '5462f9099dfd30e238def83c71d91897d8caa5ff6ebc7a50f14d4802cdaaa79a',
  '3.13.8': 'b9910730526b298299b46b35595ced9055722df60c06ad6301f6a4e2c728a252',
  '3.13.9': 'ed5ef34cda36cfa2f3a340f07cac7e7814f91c7f3c411f6d3562323a866c5c66',
  '3.13.10': 'bc673c04375a1a3f0808c27ba8f0411ab811ad390a8740318ccb9c60fad8fd77',
  '3.13.11': '16ede7bb7cdbfa895d11b0642fa0e523f291e6487194d53cf6d3b338c3a17ea2',
  '3.13.12': '2a84cd31dd8d8ea8aaff75de66fc1b4b0127dd5799aa50a64ae9a313885b4593',
  '3.13.13': '2ab91ff401783ccca64f75d10c882e957bdfd60e2bf5a72f8421793729b78a71',
  '3.13.14': '639e43243c620a308f968213df9e00f2f8f62332f7adbaa7a7eeb9783057c690',
  '3.14.0': '2299dae542d395ce3883aca00d3c910307cd68e0b2f7336098c8e7b7eee9f3e9',
  '3.14.1': '8dfa08b1959d9d15838a1c2dab77dc8d8ff4a553a1ed046dfacbc8095c6d42fc',
  '3.14.2': 'ce543ab854bc256b61b71e9b27f831ffd1bfd60a479d639f8be7f9757cf573e9',
  '3.14.3': 'a97d5549e9ad81fe17159ed02c68774ad5d266c72f8d9a0b5a9c371fe85d902b',
  '3.14.4': 'd923c51303e38e249136fc1bdf3568d56ecb03214efdef48516176d3d7faaef8',
  '3.14.5': '7e32597b99e5d9a39abed35de4693fa169df3e5850d4c334337ffd6a19a36db6',
  '3.14.6': '143b1dddefaec3bd2e21e3b839b34a2b7fb9842272883c576420d605e9f30c63',
};

/** The series ftpy is verified on, and so builds when no version is asked for. */
export const DEFAULT_SERIES = '3.13';

const VERSION = /^3\.(\d+)(?:\.(\d+))?$/;

/** A version as asked for: a series ("3.13": its newest release) or one release ("3.13.5"). */
export interface VersionWish {
  series: string;
  release: string | undefined;
}

/** Parses `--version`; undefined when it is not 3.X or 3.X.Y. */
export function parseVersionWish(text: string): VersionWish | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return { series: `3.${match[1]}`, release: match[2] === undefined ? undefined : `3.${match[1]}.${match[2]}` };
}

/** The pinned releases a wish allows, newest first. */
export function pinnedReleases(wish: VersionWish): string[] {
  if (wish.release) return RELEASE_SHA256[wish.release] ? [wish.release] : [];
  return Object.keys(RELEASE_SHA256)
    .filter((release) => release.startsWith(`${wish.series}.`))
    .sort((a, b) => patchOf(b) - patchOf(a));
}

export function pinnedSha256(release: string): string | undefined {
  return RELEASE_SHA256[release];
}

/** "3.13.0 to 3.13.14, 3.14.0 to 3.14.6": what a user can ask for. */
export function describePinnedReleases(): string {
  const bySeries = new Map<string, number[]>();
  for (const release of Object.keys(RELEASE_SHA256)) {
    const series = release.split('.').slice(0, 2).join('.');
    bySeries.set(series, [...(bySeries.get(series) ?? []), patchOf(release)]);
  }
  return [...bySeries].map(([series, patches]) => `${series}.${Math.min(...patches)} to ${series}.${Math.max(...patches)}`).join(', ');
}

function patchOf(release: string): number {
  return Number(release.split('.')[2]);
}
