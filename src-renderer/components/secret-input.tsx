/**
 * A write-only secret: a saved value is never shown (the API sends "<secret>"); the input stays
 * empty and says "•••• (set)"; leaving it empty keeps the saved value by sending "<secret>" back.
 */
export const SECRET = '<secret>';

interface SecretInputProps {
  /** The value as stored in the draft: "<secret>" when saved, or what the user typed. */
  value: string | undefined;
  onChange: (value: string) => void;
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** A password input that never displays a saved secret. */
export function SecretInput({ value, onChange, ...rest }: SecretInputProps) {
  const saved = value === SECRET;
  return (
    <input
      {...rest}
      type="password"
      autoComplete="new-password"
      value={saved ? '' : (value ?? '')}
      placeholder={saved ? '•••• (set)' : 'not set'}
      onChange={(e) => onChange(e.target.value === '' && saved ? SECRET : e.target.value)}
    />
  );
}
