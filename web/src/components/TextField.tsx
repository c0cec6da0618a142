import Quill from 'quill';
import 'quill/dist/quill.core.css';
import { useEffect, useRef } from 'react';
import { QuillBinding } from 'y-quill';
import type * as Y from 'yjs';

/**
 * One text field of the plan, bound to its Y.Text by y-quill: every keystroke is a Yjs change
 * the server checks, and others' changes appear as they are committed. Plain text only (no
 * formats, no toolbar): the plan's fields are text, and the server keeps them so.
 */
export function TextField({ text, labelId, readOnly, describedBy }: { text: Y.Text; labelId: string; readOnly: boolean; describedBy?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const quill = useRef<Quill | null>(null);

  useEffect(() => {
    const element = document.createElement('div');
    host.current!.appendChild(element);
    const editor = new Quill(element, { modules: { toolbar: false }, formats: [], readOnly });
    const root = editor.root;
    root.setAttribute('role', 'textbox');
    root.setAttribute('aria-multiline', 'true');
    root.setAttribute('aria-labelledby', labelId);
    if (describedBy) root.setAttribute('aria-describedby', describedBy);
    root.setAttribute('data-field', labelId);
    const binding = new QuillBinding(text, editor);
    quill.current = editor;
    return () => {
      binding.destroy();
      quill.current = null;
      element.remove();
    };
  }, [text, labelId, describedBy]); // eslint-disable-line react-hooks/exhaustive-deps -- readOnly follows below

  useEffect(() => {
    quill.current?.enable(!readOnly);
    quill.current?.root.setAttribute('aria-readonly', String(readOnly));
  }, [readOnly, text]);

  return <div ref={host} className={readOnly ? 'text-field read-only' : 'text-field'} />;
}
