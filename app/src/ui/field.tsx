import { useId, type ReactNode } from 'react';
import {
  Checkbox as AriaCheckbox,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  Button as AriaButton,
  Text,
  TextArea,
  TextField as AriaTextField,
  type Key,
} from 'react-aria-components';
import { Check, ChevronDown } from 'lucide-react';

/*
 * Form fields: a label above, the control, a hint or the error below in a
 * space that is always reserved, so an error appearing never moves the form.
 * Errors come from `fieldErrors()` (ui/record-kit.tsx) as plain sentences (ui/messages.ts).
 */

interface FieldBase {
  label: string;
  /** A hint under the field. */
  description?: string;
  /** The field's error sentence; shown in place of the hint. */
  error?: string | null;
  isRequired?: boolean;
  isDisabled?: boolean;
  className?: string;
}

export interface TextFieldProps extends FieldBase {
  name?: string;
  value: string;
  onChange: (v: string) => void;
  type?: 'text' | 'email' | 'tel' | 'url' | 'password' | 'search' | 'date' | 'time' | 'datetime-local' | 'number';
  inputMode?: 'text' | 'email' | 'tel' | 'decimal' | 'numeric' | 'url' | 'search';
  autoComplete?: string;
  placeholder?: string;
  multiline?: boolean;
  rows?: number;
  autoFocus?: boolean;
  onBlur?: () => void;
  /** Text shown inside the field before the value (a currency symbol). */
  prefix?: string;
}

export function TextField({ label, description, error, isRequired, isDisabled, className, value, onChange, type = 'text', multiline, rows = 3, prefix, placeholder, inputMode, autoComplete, name, autoFocus, onBlur }: TextFieldProps) {
  return (
    <AriaTextField
      className={['sf-field', className].filter(Boolean).join(' ')}
      value={value}
      onChange={onChange}
      type={type}
      name={name}
      isRequired={isRequired}
      isDisabled={isDisabled}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      autoComplete={autoComplete}
      inputMode={inputMode}
      autoFocus={autoFocus}
      onBlur={onBlur}
    >
      <Label className="sf-label">
        {label}
        {isRequired && <span className="sf-required" aria-hidden="true"> *</span>}
      </Label>
      {multiline ? (
        <TextArea className="sf-input sf-textarea" rows={rows} placeholder={placeholder} />
      ) : prefix ? (
        <div className="sf-input-group">
          <span className="sf-input-prefix" aria-hidden="true">{prefix}</span>
          <Input className="sf-input" placeholder={placeholder} />
        </div>
      ) : (
        <Input className="sf-input" placeholder={placeholder} />
      )}
      <FieldMessage description={description} error={error} />
    </AriaTextField>
  );
}

/** The line under a field: the error when there is one, else the hint; its height is always kept. */
function FieldMessage({ description, error }: { description?: string; error?: string | null }) {
  return error ? (
    <FieldError className="sf-field-error">{error}</FieldError>
  ) : description ? (
    <Text slot="description" className="sf-field-hint">{description}</Text>
  ) : (
    <span className="sf-field-hint" aria-hidden="true" />
  );
}

export interface SelectOption {
  id: string;
  label: string;
  description?: string;
}

export interface SelectFieldProps extends FieldBase {
  value: string | null;
  onChange: (v: string) => void;
  options: readonly SelectOption[];
  placeholder?: string;
  /** No visible label (a select in a table row); `label` stays its accessible name. */
  hideLabel?: boolean;
}

export function SelectField({ label, description, error, isRequired, isDisabled, className, value, onChange, options, placeholder = 'Choose…', hideLabel }: SelectFieldProps) {
  return (
    <Select
      className={['sf-field', hideLabel && 'sf-field-bare', className].filter(Boolean).join(' ')}
      selectedKey={value}
      onSelectionChange={(k: Key | null) => k != null && onChange(String(k))}
      isRequired={isRequired}
      isDisabled={isDisabled}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      placeholder={placeholder}
      aria-label={hideLabel ? label : undefined}
    >
      {!hideLabel && <Label className="sf-label">{label}</Label>}
      <AriaButton className="sf-input sf-select-button">
        <SelectValue className="sf-select-value" />
        <ChevronDown size={16} aria-hidden="true" />
      </AriaButton>
      {!hideLabel && <FieldMessage description={description} error={error} />}
      <Popover className="sf-popover" offset={4}>
        <ListBox className="sf-listbox" items={options}>
          {(o) => (
            <ListBoxItem id={o.id} className="sf-listbox-item" textValue={o.label}>
              {({ isSelected }) => (
                <>
                  <span className="sf-listbox-label">
                    {o.label}
                    {o.description && <span className="sf-listbox-description">{o.description}</span>}
                  </span>
                  {isSelected && <Check size={16} aria-hidden="true" />}
                </>
              )}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function Checkbox({ children, isSelected, onChange, isDisabled }: { children: ReactNode; isSelected: boolean; onChange: (v: boolean) => void; isDisabled?: boolean }) {
  return (
    <AriaCheckbox className="sf-checkbox" isSelected={isSelected} onChange={onChange} isDisabled={isDisabled}>
      {({ isSelected: on }) => (
        <>
          <span className="sf-checkbox-box" aria-hidden="true">{on && <Check size={14} strokeWidth={3} />}</span>
          {children}
        </>
      )}
    </AriaCheckbox>
  );
}

export interface NativeSelectProps extends FieldBase {
  value: string;
  onChange: (v: string) => void;
  options: readonly SelectOption[];
  hideLabel?: boolean;
  name?: string;
}

/**
 * A styled native <select>: the phone's own picker on touch devices and one
 * less popover to manage in dense tables. Use it for short fixed lists
 * (status, stage, sort); SelectField when options need descriptions.
 */
export function NativeSelect({ label, description, error, isRequired, isDisabled, className, value, onChange, options, hideLabel, name }: NativeSelectProps) {
  const id = useId();
  return (
    <div className={['sf-field', hideLabel && 'sf-field-bare', className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className={hideLabel ? 'sf-visually-hidden' : 'sf-label'}>{label}</label>
      <div className="sf-native-select">
        <select
          id={id}
          name={name}
          className="sf-input"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          disabled={isDisabled}
          required={isRequired}
          aria-invalid={error ? true : undefined}
          aria-describedby={error || description ? `${id}-msg` : undefined}
        >
          {options.map((o) => (
            <option key={o.id} value={o.id}>{o.label}</option>
          ))}
        </select>
        <ChevronDown size={16} aria-hidden="true" className="sf-native-select-icon" />
      </div>
      {!hideLabel && (
        <span id={`${id}-msg`} className={error ? 'sf-field-error' : 'sf-field-hint'}>{error ?? description ?? ''}</span>
      )}
    </div>
  );
}
