package dev.rollback.spring.aop;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.Handle;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.SpringAsmInfo;
import org.springframework.asm.Type;

/**
 * Finds, in a class's bytecode, the places where the class calls one of its own {@code @Rollbackable}
 * methods: a plain call ({@code this.checkoutV2(order)} or {@code checkoutV2(order)}) or a method
 * reference ({@code this::checkoutV2}). Such a call never reaches the proxy, so the guard would not
 * run. Bytecode does not say whether the receiver is {@code this} or another instance of the class
 * (an injected self reference), so both are found; anonymous and inner classes are not read.
 */
final class SelfInvocations {

    private SelfInvocations() {
    }

    /**
     * Returns one line per self-invocation of a guarded method in {@code type} or its superclasses,
     * e.g. {@code placeOrder(Order) calls checkoutV2(Order)}; empty if there is none or the bytecode
     * cannot be read.
     */
    static List<String> find(Class<?> type, List<GuardedMethod> guarded) {
        Set<String> owners = new HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            owners.add(Type.getInternalName(c));
        }
        Set<String> targets = new HashSet<>();
        for (GuardedMethod m : guarded) {
            targets.add(m.method().getName() + Type.getMethodDescriptor(m.method()));
        }
        List<String> found = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            read(c, owners, targets, found);
        }
        return found;
    }

    private static void read(Class<?> type, Set<String> owners, Set<String> targets, List<String> found) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return;
        }
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(Type.getInternalName(type) + ".class")) {
            if (in == null) {
                return;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return;
        }
        new ClassReader(bytes).accept(new ClassVisitor(SpringAsmInfo.ASM_VERSION) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                String caller = readable(name, descriptor);
                return new MethodVisitor(SpringAsmInfo.ASM_VERSION) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor,
                                                boolean isInterface) {
                        if (opcode != Opcodes.INVOKESTATIC) {
                            check(owner, called, calledDescriptor, " calls ");
                        }
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String indyName, String indyDescriptor, Handle bootstrap,
                                                       Object... arguments) {
                        for (Object argument : arguments) {
                            if (argument instanceof Handle handle) {
                                check(handle.getOwner(), handle.getName(), handle.getDesc(), " refers to ");
                            }
                        }
                    }

                    private void check(String owner, String called, String calledDescriptor, String verb) {
                        if (owners.contains(owner) && targets.contains(called + calledDescriptor)) {
                            String line = displayName(caller) + verb + readable(called, calledDescriptor);
                            if (!found.contains(line)) {
                                found.add(line);
                            }
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }

    /** A lambda's body is a synthetic method {@code lambda$placeOrder$0}: name the method it is in. */
    private static String displayName(String caller) {
        if (caller.startsWith("lambda$")) {
            String[] parts = caller.split("\\$");
            return "a lambda in " + (parts.length > 1 ? parts[1] : caller);
        }
        return caller;
    }

    private static String readable(String name, String descriptor) {
        return name + "(" + Arrays.stream(Type.getArgumentTypes(descriptor))
                .map(t -> {
                    String className = t.getClassName();
                    return className.substring(className.lastIndexOf('.') + 1);
                })
                .collect(Collectors.joining(", ")) + ")";
    }
}
