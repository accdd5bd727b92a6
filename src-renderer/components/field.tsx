/** A labelled form row with its hint and the validator's problem, wired for screen readers. */
import { useId, type ReactElement } from 'react';
import { cloneElement } from 'react';

interface FieldProps {
  label: string;
  hint?: string;
  problem?: string;
  /** One input/select/textarea; it receives id, aria-invalid and aria-describedby. */
  children: ReactElement<Record<string, unknown>>;
  extra?: React.ReactNode;
}

/** One form row. */
export function Field({ label, hint, problem, children, extra }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div>
        {cloneElement(children, { id, 'aria-invalid': problem ? true : undefined, 'aria-describedby': described })}
        {hint && <div className="hint" id={`${id}-hint`}>{hint}</div>}
        {problem && <div className="problem" id={`${id}-problem`} role="alert">{problem}</div>}
        {extra}
      </div>
    </div>
  );
}
