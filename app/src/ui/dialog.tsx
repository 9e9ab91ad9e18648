import type { ReactNode } from 'react';
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { X } from 'lucide-react';
import { Button } from './button.tsx';

/*
 * Dialogs and side sheets (React Aria: focus is trapped inside, Esc and the
 * close button dismiss, focus returns to what opened it). "New ..." forms open
 * in a sheet from the right on a laptop and from the bottom on a phone.
 */

export interface DialogProps {
  title: string;
  isOpen: boolean;
  onClose: () => void;
  children: ReactNode;
  /** Buttons at the bottom (the primary last). */
  footer?: ReactNode;
  /** `sheet` slides in at the side; `dialog` sits in the middle. */
  kind?: 'dialog' | 'sheet';
  /** Role alertdialog for confirmations. */
  alert?: boolean;
  /** A wider dialog (forms with two columns). */
  wide?: boolean;
}

export function Dialog({ title, isOpen, onClose, children, footer, kind = 'dialog', alert = false, wide = false }: DialogProps) {
  return (
    <ModalOverlay
      className={`sf-overlay sf-overlay-${kind}`}
      isOpen={isOpen}
      onOpenChange={(open) => !open && onClose()}
      isDismissable={!alert}
    >
      <Modal className={['sf-modal', `sf-modal-${kind}`, wide && 'sf-modal-wide'].filter(Boolean).join(' ')}>
        <AriaDialog className="sf-dialog" role={alert ? 'alertdialog' : 'dialog'}>
          <header className="sf-dialog-header">
            <Heading slot="title" className="sf-dialog-title">{title}</Heading>
            <Button variant="ghost" size="sm" iconOnly icon={<X size={18} aria-hidden="true" />} onPress={onClose}>Close</Button>
          </header>
          <div className="sf-dialog-body">{children}</div>
          {footer && <footer className="sf-dialog-footer">{footer}</footer>}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}

export interface ConfirmProps {
  isOpen: boolean;
  title: string;
  /** What will happen, in plain words ("The job is cancelled and the technician is told."). */
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  /** A destructive change (cancel, delete, remove): the confirm button is red. */
  destructive?: boolean;
  isPending?: boolean;
}

/** Asks before a change that is hard to undo, saying what will happen. */
export function ConfirmDialog({ isOpen, title, children, confirmLabel, onConfirm, onClose, destructive = false, isPending = false }: ConfirmProps) {
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title={title}
      alert
      footer={
        <>
          <Button variant="secondary" onPress={onClose} autoFocus>Keep it</Button>
          <Button variant={destructive ? 'danger' : 'primary'} onPress={onConfirm} isPending={isPending}>{confirmLabel}</Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
