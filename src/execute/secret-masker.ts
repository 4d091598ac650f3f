const MASK = Buffer.from('[SECRET]');

/**
 * Replaces secret values with `[SECRET]` in a byte stream. Holds back the last bytes of each
 * chunk that could be the start of a secret split across chunks; `flush` releases them.
 */
export class SecretMasker {
  private readonly secrets: Buffer[];
  private readonly holdBack: number;
  private carry: Buffer = Buffer.alloc(0);

  constructor(secrets: readonly string[]) {
    // Longest first, so that a secret containing another is masked whole.
    this.secrets = secrets
      .filter((secret) => secret.length > 0)
      .map((secret) => Buffer.from(secret))
      .sort((a, b) => b.length - a.length);
    this.holdBack = Math.max(0, ...this.secrets.map((secret) => secret.length - 1));
  }

  push(chunk: Buffer): Buffer {
    if (this.secrets.length === 0) return chunk;
    const masked = this.mask(Buffer.concat([this.carry, chunk]));
    const keep = Math.min(this.holdBack, masked.length);
    this.carry = Buffer.from(masked.subarray(masked.length - keep));
    return masked.subarray(0, masked.length - keep);
  }

  flush(): Buffer {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    return rest;
  }

  private mask(data: Buffer): Buffer {
    let result = data;
    for (const secret of this.secrets) {
      if (result.indexOf(secret) === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      for (let at = result.indexOf(secret); at !== -1; at = result.indexOf(secret, from)) {
        parts.push(result.subarray(from, at), MASK);
        from = at + secret.length;
      }
      parts.push(result.subarray(from));
      result = Buffer.concat(parts);
    }
    return result;
  }
}

/** Masks secret values in a string (messages, commands shown to the user). */
export function maskText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of [...secrets].filter(Boolean).sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join('[SECRET]');
  }
  return result;
}
